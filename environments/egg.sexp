; egg: tap the shell off an egg until the chick hatches and walks away.
;
; Rules (all deterministic):
; - The egg is 12 white shell pieces around a chick (yellow body, orange beak) standing on the
;   brown ground (row 11). Clicking a white (attached) piece detaches it: it turns silver
;   (loose). Clicking anything else does nothing before the chick hatches.
; - Each tick every loose piece, in list order, falls one cell if the cell below was free in
;   the last frame; otherwise, if it lies on a white piece or on the chick, it rolls one cell
;   outward (left for pieces of the egg's left half, x <= 5, right for the right half) if that
;   cell is inside the grid and was free; otherwise it rests. A piece never moves into a cell
;   that a piece earlier in the list or the chick has just taken. A newly detached piece moves
;   in the same tick.
; - The number of detached pieces is counted out of sight. The fourth detached piece hatches
;   the chick: in that same tick every remaining white piece bursts loose and jumps one cell
;   outward (same sides and blocking as rolling).
; - A hatched chick walks one cell per tick in the direction of its beak. It falls one cell
;   instead when both cells below it were free, and it turns around (body and beak swap, in
;   place) when the cell ahead is outside the grid or was occupied. Clicking the hatched chick
;   also turns it around.
(program
  (= GRID_SIZE 12)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Piece (: loose Bool) (: side Number) (Cell 0 0 (if loose then "silver" else "white")))
  ; The chick: body at the origin, beak one cell toward its heading (1 right, -1 left).
  (object Chick (: heading Number) (: hatched Bool) (list (Cell 0 0 "yellow") (Cell heading 0 "orange")))
  (object Soil (Cell 0 0 "brown"))

  ; --- state ---------------------------------------------------------------------------
  ; Pieces detached so far (not drawn).
  (: cracks Number)
  (= cracks (initnext 0 (prev cracks)))
  (: chick Chick)
  (= chick (initnext (Chick 1 false (Position 5 9))
                     (if (.. (prev chick) hatched) then (walk (prev chick)) else (prev chick))))
  (: shell (List Piece))
  (= shell (initnext (map (--> q (Piece false (if (<= (.. q x) 5) then -1 else 1) q))
                          (list (Position 5 7) (Position 6 7)
                                (Position 4 8) (Position 5 8) (Position 6 8) (Position 7 8)
                                (Position 4 9) (Position 7 9)
                                (Position 4 10) (Position 5 10) (Position 6 10) (Position 7 10)))
                     (foldl settle (list) (prev shell))))

  ; --- rules ---------------------------------------------------------------------------
  ; Detach a clicked white piece (it moves in the same tick, with the other loose pieces).
  (on (any (--> s (& (! (.. s loose)) (clicked s))) (prev shell))
      (let (= cracks (+ cracks 1))
           (= shell (foldl settle (list)
                           (map (--> s (if (clicked s) then (updateObj s "loose" true) else s))
                                (prev shell))))
           true))
  ; The fourth piece hatches the chick and bursts the rest of the shell.
  (on (& (>= cracks 4) (! (.. chick hatched)))
      (let (= chick (updateObj chick "hatched" true))
           (= shell (foldl burst (list) shell))
           true))
  ; Clicking the hatched chick turns it around (instead of walking this tick).
  (on (& (.. chick hatched) (clicked (prev chick)))
      (= chick (turn (prev chick))))

  ; --- helpers -------------------------------------------------------------------------
  ; Position p is free for a piece: free in the last frame, not taken by an already placed
  ; piece, and not under the chick's new cells.
  (= roomAt (--> (p placed) (& (isFreePos p)
                              (& (! (any (--> m (== (.. m origin) p)) placed))
                                 (! (intersectsPosElems p (renderValue chick)))))))
  (= inGrid (--> p (& (>= (.. p x) 0) (& (< (.. p x) GRID_SIZE) (< (.. p y) 11)))))
  ; Lying on the egg: the cell below held a white piece or the chick in the last frame.
  (= onEgg (--> p (| (intersectsPosElems p (renderValue (prev chick)))
                     (any (--> t (& (! (.. t loose)) (== (.. t origin) p))) (prev shell)))))
  (= outward (--> s (Position (+ (.. (.. s origin) x) (.. s side)) (.. (.. s origin) y))))
  ; One tick of piece s, given the pieces already placed this tick.
  (= drift (--> (s placed)
     (let (= under (moveDownPos (.. s origin)))
          (= beside (outward s))
          (if (! (.. s loose)) then s
           else (if (& (inGrid under) (roomAt under placed)) then (updateObj s "origin" under)
           else (if (& (onEgg under) (& (inGrid beside) (roomAt beside placed)))
                    then (updateObj s "origin" beside)
                    else s))))))
  (= settle (--> (placed s) (addObj placed (drift s placed))))
  ; Bursting: a white piece turns loose and jumps outward if it can; loose pieces stay.
  (= burst (--> (placed s)
     (addObj placed (if (.. s loose) then s
                     else (let (= beside (outward s))
                               (= freed (updateObj s "loose" true))
                               (if (& (inGrid beside) (roomAt beside placed))
                                   then (updateObj freed "origin" beside)
                                   else freed))))))
  (= turn (--> c (updateObj (updateObj c "origin" (Position (+ (.. (.. c origin) x) (.. c heading))
                                                            (.. (.. c origin) y)))
                            "heading" (- 0 (.. c heading)))))
  (= walk (--> c (let (= cx (.. (.. c origin) x))
                      (= cy (.. (.. c origin) y))
                      (= hx (+ cx (.. c heading)))
                      (= ax (+ hx (.. c heading)))
                      (if (& (< cy 10) (& (isFreePos (Position cx (+ cy 1)))
                                          (isFreePos (Position hx (+ cy 1)))))
                          then (moveDown c)
                          else (if (& (>= ax 0) (& (< ax GRID_SIZE) (isFreePos (Position ax cy))))
                                   then (move c (Position (.. c heading) 0))
                                   else (turn c))))))

  ; --- scenery -------------------------------------------------------------------------
  (= ground (map (--> gx (Soil (Position gx 11))) (range 0 12)))
)
