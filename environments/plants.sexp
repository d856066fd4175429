; plants: a rain cloud waters plants, which grow only while the sun is out.
;
; Rules:
; - left / right move the three-cell white cloud along row 2 (it stays inside the grid);
;   up / down do nothing.
; - Every tick the cloud may rain: one draw k from 0..5 (uniformChoice over (range 0 6)); if
;   k < 3 a blue drop appears on row 3 under cloud cell k (counted from the cloud's left end).
;   Stochastic: exactly one draw per tick.
; - Every tick each drop falls one cell. A drop soaks in (vanishes that tick, without moving)
;   when the cell below it is the ground (row 15) or at or below the top of a plant, the plants
;   taken as they were at the start of the tick.
; - A plant grows one cell taller in a tick when at least one drop soaks into it and the sun is
;   out (after this tick's clicks). Plants stand on the ground at x 2, 6, 10 and 13; their
;   height is at most 10, and a plant of height 10 flowers (its top cell turns pink).
; - Clicking the sun (2x2, top right) hides it (it turns gray) or shows it again (gold). While
;   the sun is hidden every plant is wilted (tan) and does not grow; drops still soak in.
; - Clicking a plant cuts it back to a one-cell sprout (that same tick it may still grow from
;   a drop soaking into the sprout).
; - At the start three drops are already falling, at (6,10), (10,7) and (3,5).
; Drawing order: sun, cloud, drops, plants, ground (plants hide a drop inside them).
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Sun (: hidden Bool)
    (map (--> q (Cell (.. q x) (.. q y) (if hidden then "gray" else "gold")))
         (list (Position 0 0) (Position 1 0) (Position 0 1) (Position 1 1))))
  (object Cloud (list (Cell 0 0 "white") (Cell 1 0 "white") (Cell 2 0 "white")))
  (object Drop (Cell 0 0 "blue"))
  ; A plant of height h: cells from its base (origin, row 14) upward; the tenth cell is a flower.
  ; `watered` (not drawn) records that a drop soaked into the plant this tick while it was below
  ; full height.
  (object Plant (: h Number) (: wilted Bool) (: watered Bool)
    (map (--> i (Cell 0 (- 0 i) (if wilted then "tan" else (if (== i 9) then "pink" else "green"))))
         (range 0 h)))
  (object Soil (Cell 0 0 "brown"))

  ; --- state ---------------------------------------------------------------------------
  (: sun Sun)
  (= sun (initnext (Sun false (Position 14 0)) (prev sun)))
  (: cloud Cloud)
  (= cloud (initnext (Cloud (Position 6 2)) (prev cloud)))
  (: drops (List Drop))
  (= drops (initnext (list (Drop (Position 6 10)) (Drop (Position 10 7)) (Drop (Position 3 5)))
                     (rain (map moveDown (removeObj (prev drops) (--> d (soaked d (prev plants))))))))
  (: plants (List Plant))
  (= plants (initnext (list (Plant 1 false false (Position 2 14)) (Plant 3 false false (Position 6 14))
                            (Plant 2 false false (Position 10 14)) (Plant 1 false false (Position 13 14)))
                      (map tend (prev plants))))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= cloud (moveLeftNoCollision cloud)))
  (on right (= cloud (moveRightNoCollision cloud)))
  (on (clicked sun) (= sun (updateObj sun "hidden" (! (.. sun hidden)))))
  ; Pruning: clicked plants become sprouts, then every plant is tended as usual.
  (on (clicked plants) (= plants (map tend (map prune (prev plants)))))

  ; --- helpers -------------------------------------------------------------------------
  ; Drop d soaks into plant p: same column, and the cell below d is at or below p's top.
  (= soaksInto (--> (d p) (& (== (.. (.. d origin) x) (.. (.. p origin) x))
                             (>= (+ (.. (.. d origin) y) 1) (- 15 (.. p h))))))
  ; Drop d soaks in this tick (into the ground or into one of the plants ps).
  (= soaked (--> (d ps) (| (>= (.. (.. d origin) y) 14) (any (--> p (soaksInto d p)) ps))))
  ; One tick of a plant: grow from a soaking drop while the sun is out; wilt while it is hidden.
  (= tend (--> p (let (= wet (& (any (--> d (soaksInto d p)) (prev drops)) (< (.. p h) 10)))
                      (= grown (if (& (! (.. sun hidden)) wet)
                                   then (Plant (+ (.. p h) 1) false false (.. p origin))
                                   else p))
                      (updateObj (updateObj grown "wilted" (.. sun hidden)) "watered" wet))))
  (= prune (--> p (if (clicked p) then (Plant 1 (.. p wilted) false (.. p origin)) else p)))
  ; Rain: one draw per tick.
  (= rain (--> ds (let (= k (uniformChoice (range 0 6)))
                       (if (< k 3)
                           then (addObj ds (Drop (Position (+ (.. (.. cloud origin) x) k) 3)))
                           else ds))))

  ; --- scenery -------------------------------------------------------------------------
  (= ground (map (--> gx (Soil (Position gx 15))) (range 0 16)))
)
