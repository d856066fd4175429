; CD wrong program for life: clicking a live cell leaves it alive (clicks only bring dead cells to life).
; The one changed rule is marked 'CHANGED'. Everything else is environments/life.sexp.
; life: Conway's Game of Life on a 16x14 board, with click toggles, a play/pause button and a
; hidden speed.
;
; Rules (all deterministic):
; - The board is rows 2-15 (all columns); rows 0-1 are the control strip. Live cells are
;   yellow. Nothing lives outside the board: cells there are never born and count as dead.
; - While running, each generation step applies Conway's rules to the whole board at once:
;   a live cell with 2 or 3 live neighbours (of its 8) survives, others die; a dead cell with
;   exactly 3 live neighbours is born.
; - The 2-cell button at the top-left toggles running (green) and paused (red) when clicked.
;   It starts green, with a glider and a blinker on the board.
; - Clicking a board cell toggles it (a dead cell comes alive, a live cell dies). In the tick
;   of such a click the board does not evolve.
; - While running, a generation is stepped on every tick whose number is a multiple of the
;   hidden period: 2 at first and after up (ticks 2, 4, 6, ...), 4 after down (ticks 4, 8,
;   ...). Left and right do nothing.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Live (Cell 0 0 "yellow"))
  (object Button (: going Bool)
    (list (Cell 0 0 (if going then "green" else "red")) (Cell 1 0 (if going then "green" else "red"))))

  ; The 8 neighbour offsets.
  (= OFFS (list (Position -1 -1) (Position 0 -1) (Position 1 -1) (Position -1 0)
                (Position 1 0) (Position -1 1) (Position 0 1) (Position 1 1)))

  ; --- state ---------------------------------------------------------------------------
  (: button Button)
  (= button (initnext (Button true (Position 0 0)) (prev button)))
  ; Ticks between generations: 2 or 4 (hidden).
  (: period Number)
  (= period (initnext 2 (prev period)))
  ; The tick counter (hidden); cells read it after its update, so it is this tick's number.
  (: clock Number)
  (= clock (initnext 0 (+ (prev clock) 1)))
  (: cells (List Live))
  (= cells (initnext (list (Live (Position 2 3)) (Live (Position 3 4)) (Live (Position 1 5))
                           (Live (Position 2 5)) (Live (Position 3 5))
                           (Live (Position 11 9)) (Live (Position 12 9)) (Live (Position 13 9)))
                     (if (& (.. button going) (== (% clock period) 0))
                         then (generation (prev cells))
                         else (prev cells))))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked button) (= button (updateObj button "going" (! (.. button going)))))
  (on up (= period 2))
  (on down (= period 4))
  ; Toggle a board cell (this assigns `cells`, so there is no generation in this tick).
  (on (& ((clicked)) (inBoard click))
      (= cells (if (isFreePos click)
                   then (addObj cells (Live click))
                   ; CHANGED (one rule): was else (filter (--> cl (! (== (.. cl origin) click))) cells))))
                   else cells)))

  ; --- helpers -------------------------------------------------------------------------
  (= inBoard (--> q (& (& (>= (.. q x) 0) (< (.. q x) 16)) (& (>= (.. q y) 2) (< (.. q y) 16)))))
  ; For every cell of the grid (index x*16 + y, the order of allPositions), its neighbours on
  ; the board: a lookup table built once, so a generation needs no per-neighbour lambdas.
  (= NBRS (map (--> q (filter inBoard (map (--> o (movePos q o)) OFFS))) (allPositions 16)))
  ; (The table lookup is written out in place, not as a function: a generation is the hot
  ; path of this program.)
  ; Only live cells are drawn on the board, so a neighbour is live iff it was occupied in the
  ; last frame.
  (= survives (--> cl (in (length (removeObj (at NBRS (+ (* (.. (.. cl origin) x) 16) (.. (.. cl origin) y)))
                                             isFreePos))
                          (list 2 3))))
  ; The births a live cell is responsible for: its dead neighbours with exactly 3 live
  ; neighbours, of which this cell is the first in the table (so each birth is made once).
  (= births (--> cl (map (--> p (Live p))
                         (filter (--> p (& (== (length (removeObj (at NBRS (+ (* (.. p x) 16) (.. p y)))
                                                                  isFreePos))
                                               3)
                                           (== (head (removeObj (at NBRS (+ (* (.. p x) 16) (.. p y)))
                                                                isFreePos))
                                               (.. cl origin))))
                                 (filter isFreePos (at NBRS (+ (* (.. (.. cl origin) x) 16)
                                                               (.. (.. cl origin) y))))))))
  (= generation (--> cs (concat (list (filter survives cs) (concat (map births cs))))))
)
