; CD wrong program for balloon: the fuel can fills the tank to 3 cells, not 6.
; The one changed rule is marked 'CHANGED'. Everything else is environments/balloon.sexp.
; balloon: a hot-air balloon in random gusts, with a burner, a fuel gauge and a landing pad.
;
; Rules:
; - The balloon is a 2x2 red envelope over a 2-cell brown basket (origin = top-left cell).
;   Its origin stays within x 0..14 and y 1..12; with y 12 the basket rests on the ground
;   (row 15 is the ground: gray, with the pad and the two buttons in it).
; - Burning: pressing up or clicking the orange burner (bottom-left, 2 cells) when the fuel
;   is above 0 lifts the balloon one row (not above y 1) and uses one unit of fuel. With an
;   empty tank, burning does nothing.
; - A hidden clock counts ticks from 0. In every tick whose previous clock value leaves
;   remainder 2 when divided by 3 (ticks 3, 6, 9, ...), the balloon sinks one row unless it
;   burns in that tick or already rests on the ground.
; - Gusts (stochastic): in every tick whose previous clock value is odd (ticks 2, 4, 6, ...),
;   if the balloon is airborne after its rise or fall (y below 12), one draw
;   uniformChoice (-1 0 1) pushes it one column left, not at all, or right (kept in x 0..14).
;   A balloon resting on the ground never drifts and draws nothing.
; - The fuel gauge on row 0 (x 0..5) shows one yellow cell per unit of fuel left (from the
;   left), darkgray for the rest. The tank holds 6 and starts full.
; - Clicking the blue fuel can (bottom-right, 2 cells) fills the tank to 6 (the balloon still
;   moves as usual in that tick).
; - The landing pad (white, x 6..9 of row 15) lights gold for good once the basket rests on
;   the ground with both basket cells over the pad (origin x 6..8, y 12).
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Balloon (list (Cell 0 0 "red") (Cell 1 0 "red") (Cell 0 1 "red") (Cell 1 1 "red")
                        (Cell 0 2 "brown") (Cell 1 2 "brown")))
  (object Gauge (: level Number)
    (map (--> i (Cell i 0 (if (< i level) then "yellow" else "darkgray"))) (range 0 6)))
  (object Pad (: lit Bool)
    (map (--> i (Cell i 0 (if lit then "gold" else "white"))) (range 0 4)))
  (object Burner (list (Cell 0 0 "orange") (Cell 1 0 "orange")))
  (object Can (list (Cell 0 0 "blue") (Cell 1 0 "blue")))
  (object Ground (Cell 0 0 "gray"))

  ; --- state ---------------------------------------------------------------------------
  ; Ticks so far (hidden; seen through the rhythm of sinking and gusts).
  (: clock Number)
  (= clock (initnext 0 (+ (prev clock) 1)))
  (: fuel Gauge)
  (= fuel (initnext (Gauge 6 (Position 0 0)) (prev fuel)))
  (: balloon Balloon)
  (= balloon (initnext (Balloon (Position 3 5))
                       (fly (prev balloon) (if (== (% (prev clock) 3) 2) then 1 else 0))))
  (: pad Pad)
  (= pad (initnext (Pad false (Position 6 15))
                   (if (landed balloon) then (updateObj (prev pad) "lit" true) else (prev pad))))

  ; --- rules ---------------------------------------------------------------------------
  ; Burn: rise one row (instead of any sinking) and use one unit of fuel.
  (on (& (| up (clicked burner)) (> (.. fuel level) 0))
      (let (= balloon (fly (prev balloon) -1))
           (= fuel (updateObj fuel "level" (- (.. fuel level) 1)))
           true))
  ; Refuel: fill the tank.
  ; CHANGED (one rule): was (on (clicked can) (= fuel (updateObj fuel "level" 6)))
  (on (clicked can) (= fuel (updateObj fuel "level" 3)))

  ; --- helpers -------------------------------------------------------------------------
  (= clamp (--> (v lo hi) (if (< v lo) then lo else (if (> v hi) then hi else v))))
  ; One tick of flight: move dy rows (kept in 1..12), then a gust on odd clock values while
  ; airborne.
  (= fly (--> (b dy)
     (let (= ny (clamp (+ (.. (.. b origin) y) dy) 1 12))
          (= gx (if (& (== (% (prev clock) 2) 1) (< ny 12))
                    then (+ (.. (.. b origin) x) (uniformChoice (list -1 0 1)))
                    else (.. (.. b origin) x)))
          (updateObj b "origin" (Position (clamp gx 0 14) ny)))))
  (= landed (--> b (& (== (.. (.. b origin) y) 12)
                      (& (>= (.. (.. b origin) x) 6) (<= (.. (.. b origin) x) 8)))))

  ; --- scenery -------------------------------------------------------------------------
  (= burner (Burner (Position 0 15)))
  (= can (Can (Position 14 15)))
  (= ground (concat (list (map (--> gx (Ground (Position gx 15))) (range 2 6))
                          (map (--> gx (Ground (Position gx 15))) (range 10 14)))))
)
