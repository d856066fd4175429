; CD wrong program for tetris: down pushes the piece two rows at once instead of one (and not at all if the cell two rows down does not fit).
; The one changed rule is marked 'CHANGED'. Everything else is environments/tetris.sexp.
; tetris: random falling pieces that you steer, turn and drop; full rows clear.
;
; Rules:
; - One piece falls at a time: an I (cyan), O (yellow), T (purple) or L (orange), each 4
;   cells. It falls one row on every even tick (2, 4, 6, ...).
; - left / right shift it one column and up turns it a quarter turn clockwise (in its 4x4
;   box); down moves it one row down at once. A move or turn happens only if every cell of the
;   result is inside the grid and not on a settled block. The arrows act before the fall.
; - When the piece should fall but cannot (the floor or a block is below), it settles: its
;   cells become blocks of its colour. Every row that is then full (12 blocks) is cleared and
;   the blocks above it move down a row per cleared row below them.
; - Then a new piece, of a random kind and unturned, appears with its 4x4 box at the top
;   (columns 4-7). If it overlaps a block the well is emptied (every block disappears).
; - Clicks do nothing.
; Stochastic: one draw (the kind) per new piece.
(program
  (= GRID_SIZE 12)
  (= FRAME_RATE 8)

  ; Colours by kind, and the four turns of each kind as cell offsets in a 4x4 box.
  (= TINTS (list "cyan" "yellow" "purple" "orange"))
  (= SHAPES
     (list
       ; I
       (list (list (Position 0 1) (Position 1 1) (Position 2 1) (Position 3 1))
             (list (Position 2 0) (Position 2 1) (Position 2 2) (Position 2 3))
             (list (Position 0 1) (Position 1 1) (Position 2 1) (Position 3 1))
             (list (Position 2 0) (Position 2 1) (Position 2 2) (Position 2 3)))
       ; O
       (list (list (Position 1 0) (Position 2 0) (Position 1 1) (Position 2 1))
             (list (Position 1 0) (Position 2 0) (Position 1 1) (Position 2 1))
             (list (Position 1 0) (Position 2 0) (Position 1 1) (Position 2 1))
             (list (Position 1 0) (Position 2 0) (Position 1 1) (Position 2 1)))
       ; T
       (list (list (Position 1 0) (Position 0 1) (Position 1 1) (Position 2 1))
             (list (Position 1 0) (Position 1 1) (Position 2 1) (Position 1 2))
             (list (Position 0 1) (Position 1 1) (Position 2 1) (Position 1 2))
             (list (Position 1 0) (Position 0 1) (Position 1 1) (Position 1 2)))
       ; L
       (list (list (Position 2 0) (Position 0 1) (Position 1 1) (Position 2 1))
             (list (Position 1 0) (Position 1 1) (Position 1 2) (Position 2 2))
             (list (Position 0 1) (Position 1 1) (Position 2 1) (Position 0 2))
             (list (Position 0 0) (Position 1 0) (Position 1 1) (Position 1 2)))))

  ; --- objects -------------------------------------------------------------------------
  (object Piece (: kind Number) (: turn Number)
    (map (--> q (Cell (.. q x) (.. q y) (at TINTS kind))) (at (at SHAPES kind) turn)))
  (object Block (: tint String) (Cell 0 0 tint))

  ; --- state ---------------------------------------------------------------------------
  ; Ticks so far (hidden); during tick t the rules see t - 1.
  (: clock Number)
  (= clock (initnext 0 (+ (prev clock) 1)))
  (: blocks (List Block))
  (= blocks (initnext (list) (prev blocks)))
  (: piece Piece)
  (= piece (initnext (Piece (uniformChoice (list 0 1 2 3)) 0 (Position 4 0)) (prev piece)))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= piece (tryMove (move piece (Position -1 0)))))
  (on right (= piece (tryMove (move piece (Position 1 0)))))
  ; CHANGED (one rule): was (on down (= piece (tryMove (move piece (Position 0 1)))))
  (on down (= piece (tryMove (move piece (Position 0 2)))))
  (on up (= piece (tryMove (Piece (.. piece kind) (% (+ (.. piece turn) 1) 4) (.. piece origin)))))
  ; The fall on even ticks, or settling when it is blocked.
  (on (== (% clock 2) 1)
      (if (fits (move piece (Position 0 1)))
          then (= piece (move piece (Position 0 1)))
          else (settle 0)))

  ; --- helpers -------------------------------------------------------------------------
  (= fits (--> pc (& (isWithinBounds pc) (! (intersects pc blocks)))))
  (= tryMove (--> pc (if (fits pc) then pc else piece)))
  ; Settle the piece into blocks, clear full rows, spawn the next piece. The argument is
  ; ignored.
  (= settle (--> unused
    (let (= landed (addObj blocks (map (--> el (Block (.. el color) (.. el position)))
                                       ((.. piece render)))))
         (= full (filter (--> ry (== (length (filter (--> bk (== (.. (.. bk origin) y) ry)) landed))
                                     12))
                         (range 0 12)))
         (= blocks (map (--> bk (move bk (Position 0 (length (filter (--> ry (> ry (.. (.. bk origin) y)))
                                                                      full)))))
                        (filter (--> bk (! (in (.. (.. bk origin) y) full))) landed)))
         (= piece (Piece (uniformChoice (list 0 1 2 3)) 0 (Position 4 0)))
         (if (intersects piece blocks) then (= blocks (list)) else blocks))))
)
