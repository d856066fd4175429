; CD wrong program for ricochet: clicking a robot selects it without deselecting the others.
; The one changed rule is marked 'CHANGED'. Everything else is environments/ricochet.sexp.
; ricochet: ricochet robots that slide until something stops them, and targets to land on.
;
; Rules (all deterministic):
; - Three robots: red, blue and green. Exactly one is selected, drawn in its light shade
;   (pink, lightblue, lightgreen); red starts selected. Clicking a robot selects it
;   (a sliding robot keeps sliding meanwhile).
; - An arrow sets the selected robot sliding in that direction, unless some robot is still
;   sliding (then the arrow is ignored). A sliding robot moves one cell per tick (the first
;   step in the arrow's own tick) and stops, without moving, when the next cell is off the
;   grid, a gray wall or another robot.
; - Each target (darkred, darkblue, darkgreen) lights gold, for good, once the robot of its
;   colour is at rest on it at the start of a tick (so one tick after the robot's stop
;   is seen; passing over it does not count). A robot is at rest once a blocked step has
;   stopped it: arriving on a cell and stopping there are two ticks.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Robot (: who Number) (: hue String) (: lite String) (: sel Bool) (: vel Position)
    (Cell 0 0 (if sel then lite else hue)))
  (object Target (: who Number) (: dim String) (: lit Bool) (Cell 0 0 (if lit then "gold" else dim)))
  (object Wall (Cell 0 0 "gray"))

  (= STILL (Position 0 0))
  (= WALLPOS (list (Position 7 7) (Position 8 7) (Position 7 8) (Position 8 8)
                   (Position 3 2) (Position 3 3) (Position 4 3)
                   (Position 12 4) (Position 12 5) (Position 11 5)
                   (Position 3 11) (Position 4 11) (Position 3 12)
                   (Position 11 11) (Position 12 11) (Position 12 12)
                   (Position 0 7) (Position 15 9) (Position 9 0) (Position 6 15)))

  ; --- state ---------------------------------------------------------------------------
  (: targets (List Target))
  (= targets (initnext (list (Target 0 "darkred" false (Position 4 2))
                             (Target 1 "darkblue" false (Position 11 4))
                             (Target 2 "darkgreen" false (Position 4 12)))
                       (map (--> t (if (.. t lit) then t
                                       else (updateObj t "lit" (any (--> r (landed r t)) (prev robots)))))
                            (prev targets))))
  (: robots (List Robot))
  (= robots (initnext (list (Robot 0 "red" "pink" true STILL (Position 1 14))
                            (Robot 1 "blue" "lightblue" false STILL (Position 14 1))
                            (Robot 2 "green" "lightgreen" false STILL (Position 14 14)))
                      (map slide (prev robots))))

  ; --- rules ---------------------------------------------------------------------------
  ; CHANGED (one rule): was (updateObj r "sel" (clicked r)): the others were deselected
  (on (clicked robots) (= robots (map (--> r (slide (updateObj r "sel" (| (.. r sel) (clicked r))))) robots)))
  (on (& left (! ((sliding)))) (launch (Position -1 0)))
  (on (& right (! ((sliding)))) (launch (Position 1 0)))
  (on (& up (! ((sliding)))) (launch (Position 0 -1)))
  (on (& down (! ((sliding)))) (launch (Position 0 1)))

  ; --- helpers -------------------------------------------------------------------------
  (= sliding (--> () (any (--> r (!= (.. r vel) STILL)) robots)))
  (= blocked (--> q (| (| (| (< (.. q x) 0) (> (.. q x) 15)) (| (< (.. q y) 0) (> (.. q y) 15)))
                       (| (in q WALLPOS) (any (--> r (== (.. r origin) q)) robots)))))
  ; One tick of a robot: a sliding robot steps on, or stops if the next cell is blocked.
  (= slide (--> r (if (== (.. r vel) STILL) then r
                      else (if (blocked (movePos (.. r origin) (.. r vel)))
                               then (updateObj r "vel" STILL)
                               else (move r (.. r vel))))))
  ; Set the selected robot sliding along dv and take the first step.
  (= launch (--> dv (= robots (map (--> r (if (.. r sel) then (slide (updateObj r "vel" dv)) else r))
                                   robots))))
  (= landed (--> (r t) (& (== (.. r who) (.. t who))
                          (& (== (.. r origin) (.. t origin)) (== (.. r vel) STILL)))))

  ; --- scenery -------------------------------------------------------------------------
  (= walls (map Wall WALLPOS))
)
