; crate: a crate floats on a lake and sinks one row for every rock it catches.
;
; Rules (all deterministic):
; - The lake is blue from row 8 (the surface) to row 14, on a sandybrown bed (row 15). The
;   brown crate is 5 wide and 3 tall (open at the top, black inside); it holds up to 6 gray
;   rocks, drawn inside it from the bottom left. Its top row is at 6 + the number of rocks it
;   holds, so an empty crate pokes two rows out of the water and a full one rests on the bed.
;   It starts at x 5 holding 2 rocks.
; - Clicking a free cell above the water (rows 0-7) drops a gray rock there. Each tick a rock
;   falls one cell. A rock that is inside the crate's box (as in the last frame) or just
;   above it is caught: it vanishes and the crate holds one more rock (a full crate stays
;   full), sinking one row at once. A rock that misses the crate falls through the water and
;   vanishes when it reaches the bed. In a tick with a drop, the rocks already falling still
;   fall.
; - left / right move the crate one column (x 0-11); up throws one rock out of the crate (it
;   vanishes) and the crate rises one row. down does nothing. Rocks caught in that tick still
;   count.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  ; Slots 0-2 are the bottom inside row, 3-5 the row above it.
  (object Crate (: load Number)
    (concat (list (list (Cell 0 0 "brown") (Cell 4 0 "brown") (Cell 0 1 "brown") (Cell 4 1 "brown")
                        (Cell 0 2 "brown") (Cell 1 2 "brown") (Cell 2 2 "brown") (Cell 3 2 "brown")
                        (Cell 4 2 "brown"))
                  (map (--> k (Cell (+ 1 (% k 3)) (- 1 (/ k 3)) (if (< k load) then "gray" else "black")))
                       (range 0 6)))))
  (object Rock (Cell 0 0 "gray"))
  (object Water (map (--> q (Cell (.. q x) (.. q y) "blue")) (rect (Position 0 0) (Position 16 7))))
  (object Bed (map (--> bx (Cell bx 0 "sandybrown")) (range 0 16)))

  ; --- state ---------------------------------------------------------------------------
  ; The lake comes first, so the crate and the rocks are drawn over it.
  (: lake Water)
  (= lake (initnext (Water (Position 0 8)) (prev lake)))
  (: crate Crate)
  (= crate (initnext (Crate 2 (Position 5 8)) (catchAll (prev crate))))
  (: rocks (List Rock))
  (= rocks (initnext (list) (fall (prev rocks))))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= crate (slide (catchAll (prev crate)) -1)))
  (on right (= crate (slide (catchAll (prev crate)) 1)))
  (on up (= crate (settle (catchAll (prev crate)) (- (.. (catchAll (prev crate)) load) 1))))
  (on (& ((clicked)) (& (< (.. click y) 8) (isFreePos click)))
      (= rocks (addObj (fall (prev rocks)) (Rock click))))

  ; --- helpers -------------------------------------------------------------------------
  ; A rock is caught if it is in the box of the crate of the last frame, or just above it.
  (= caught (--> r (let (= rx (.. (.. r origin) x)) (= ry (.. (.. r origin) y))
                        (= cx (.. (.. (prev crate) origin) x)) (= cy (.. (.. (prev crate) origin) y))
                        (& (& (<= cx rx) (<= rx (+ cx 4))) (& (<= (- cy 1) ry) (<= ry (+ cy 2)))))))
  ; The crate with `n` rocks (0-6), floating at its depth.
  (= settle (--> (c n) (let (= m (max 0 (min 6 n)))
                            (updateObj (updateObj c "load" m)
                                       "origin" (Position (.. (.. c origin) x) (+ 6 m))))))
  (= catchAll (--> c (settle c (+ (.. c load) (length (filter caught (prev rocks)))))))
  (= slide (--> (c dx) (let (= nx (+ (.. (.. c origin) x) dx))
                            (if (& (>= nx 0) (<= nx 11))
                                then (updateObj c "origin" (Position nx (.. (.. c origin) y)))
                                else c))))
  ; One tick of the falling rocks: caught ones vanish, the others fall, and those that reach
  ; the bed vanish.
  (= fall (--> rs (filter (--> r (< (.. (.. r origin) y) 15))
                          (map moveDown (removeObj rs caught)))))

  ; --- scenery -------------------------------------------------------------------------
  (= bed (Bed (Position 0 15)))
)
