; CD wrong program for disease: clicking a sick particle does not cure it (its illness starts again).
; The one changed rule is marked 'CHANGED'. Everything else is environments/disease.sexp.
; disease: wandering particles pass an infection on by contact; you steer one of them.
;
; Rules:
; - Every green (healthy) or red (sick) particle steps each tick to a random neighbouring cell
;   that was free in the last frame (uniformChoice over the in-grid 4-neighbours, in the order
;   left, right, up, down); with no free neighbour it stays. Stochastic: one draw per such
;   particle per tick. The gray wall (column 8, rows 0-4 and 11-15) blocks them.
; - The blue particle does not wander: each arrow moves it one cell, if that cell is inside
;   the grid and was free in the last frame. When it is sick it is purple.
; - Contact: a healthy particle (the blue one too) that was next to a sick one (4-neighbours,
;   in the last frame) falls sick in this tick.
; - A sick particle recovers (turns healthy) by itself 20 ticks after it fell sick; the count
;   is not drawn. It can fall sick again.
; - Clicking a particle cures it if it is sick, and makes it sick if it is healthy.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  ; `sick` is the number of ticks left until recovery (0: healthy); `pilot` marks the blue one.
  (object Mote (: sick Number) (: pilot Bool)
    (Cell 0 0 (if pilot
                  then (if (> sick 0) then "purple" else "blue")
                  else (if (> sick 0) then "red" else "green"))))
  (object Wall (Cell 0 0 "gray"))

  (= ILLNESS 20)

  ; --- state ---------------------------------------------------------------------------
  (: motes (List Mote))
  (= motes (initnext (list (Mote 0 true (Position 8 7))
                           (Mote 0 false (Position 2 2)) (Mote 0 false (Position 5 4))
                           (Mote 0 false (Position 3 11)) (Mote 0 false (Position 6 14))
                           (Mote 0 false (Position 11 2)) (Mote 0 false (Position 13 6))
                           (Mote 0 false (Position 10 12)) (Mote 0 false (Position 14 13))
                           (Mote ILLNESS false (Position 4 8)) (Mote ILLNESS false (Position 12 9)))
                     (map live (prev motes))))

  ; --- helpers -------------------------------------------------------------------------
  ; One tick of a particle: its new health (from the last frame and this tick's click), and
  ; its move.
  (= live (--> m (updateObj (travel m) "sick" (health m))))
  (= health (--> m (if (clicked m)
                       ; CHANGED (one rule): was then (if (> (.. m sick) 0) then 0 else ILLNESS)
                       then (if (> (.. m sick) 0) then ILLNESS else ILLNESS)
                       else (if (> (.. m sick) 0)
                                then (- (.. m sick) 1)
                                else (if (any (--> o (& (> (.. o sick) 0) (touching m o))) (prev motes))
                                         then ILLNESS
                                         else 0)))))
  (= touching (--> (a b) (== (+ (abs (- (.. (.. a origin) x) (.. (.. b origin) x)))
                                (abs (- (.. (.. a origin) y) (.. (.. b origin) y))))
                             1)))
  (= travel (--> m (if (.. m pilot) then (steer m) else (wander m))))
  (= wander (--> m (let (= exits (filter isFreePos (adjPositions (.. m origin))))
                        (if (== (length exits) 0)
                            then m
                            else (updateObj m "origin" (uniformChoice exits))))))
  ; The arrows read directly: the pilot moves in the tick of the arrow.
  (= steer (--> m (let (= d (Position (- (if ((right)) then 1 else 0) (if ((left)) then 1 else 0))
                                      (- (if ((down)) then 1 else 0) (if ((up)) then 1 else 0))))
                       (= goal (movePos (.. m origin) d))
                       (if (& (!= d (Position 0 0))
                              (& (isWithinBounds (Wall goal)) (isFreePos goal)))
                           then (updateObj m "origin" goal)
                           else m))))

  ; --- scenery -------------------------------------------------------------------------
  (= wall (concat (list (map (--> wy (Wall (Position 8 wy))) (range 0 5))
                        (map (--> wy (Wall (Position 8 wy))) (range 11 16)))))
)
