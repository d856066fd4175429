; CD wrong program for counters: a carry adds 2 to the counter above, not 1.
; The one changed rule is marked 'CHANGED'. Everything else is environments/counters.sexp.
; counters: three bar counters chained like an odometer, stepped by a hidden step size.
;
; Rules (all deterministic):
; - Three counters, each a button (one cell at x = 0) and a bar in its row: the bottom counter
;   (red, row 8), the middle counter (gold, row 5) and the top counter (green, row 2). A counter
;   holding v (0..7) shows v cells of its colour from x = 2 rightward; a gray stop marks x = 9.
;   All start at 0.
; - Clicking a counter's button adds the step to that counter; down adds the step to the bottom
;   counter. Clicking anywhere else does nothing.
; - A counter that reaches 8 or more drops by 8 and carries 1 into the counter above it (which
;   may carry in turn). The top counter just drops by 8 (the odometer rolls over). In the tick
;   a counter rolls over, its stop flashes white.
; - The step starts at 1. right raises it by 1 (at most 3); left lowers it by 1 (at least 1).
;   The step is not drawn: it is seen only through how far a bar grows.
; - up resets all three counters to 0 (the step is kept).
(program
  (= GRID_SIZE 10)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Button (: tint String) (Cell 0 0 tint))
  (object Pip (: tint String) (Cell 0 0 tint))
  (object Stop (: lit Bool) (Cell 0 0 (if lit then "white" else "gray")))

  ; Counter k (0 bottom, 1 middle, 2 top): its row and colour.
  (= ROWS (list 8 5 2))
  (= TINTS (list "red" "gold" "green"))
  (= BASE 8)

  ; --- scenery (the buttons never change) ------------------------------------------------
  (= bottomButton (Button "red" (Position 0 8)))
  (= middleButton (Button "gold" (Position 0 5)))
  (= topButton (Button "green" (Position 0 2)))

  ; --- state ---------------------------------------------------------------------------
  ; The hidden step size (1..3).
  (: step Number)
  (= step (initnext 1 (prev step)))
  ; The counters' values: bottom, middle, top.
  (: digits (List Number))
  (= digits (initnext (list 0 0 0) (prev digits)))
  ; The bars' cells, redrawn only when a value changed.
  (: pips (List Pip))
  (= pips (initnext (list) (if (== digits (prev digits)) then (prev pips) else (draw digits))))
  ; The stops: lit in the tick their counter rolled over (its value fell; up sets them itself).
  (: stops (List Stop))
  (= stops (initnext ((unlit)) (map (--> sk (Stop (< (at digits sk) (at (prev digits) sk))
                                                  (Position 9 (at ROWS sk))))
                                  (range 0 3))))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked bottomButton) (= digits (bump digits 0 step)))
  (on down (= digits (bump digits 0 step)))
  (on (clicked middleButton) (= digits (bump digits 1 step)))
  (on (clicked topButton) (= digits (bump digits 2 step)))
  (on right (= step (min (+ step 1) 3)))
  (on left (= step (max (- step 1) 1)))
  (on up (let (= digits (list 0 0 0)) (= stops ((unlit))) true))

  ; --- helpers -------------------------------------------------------------------------
  ; Add a to counter k of ds; a counter reaching BASE drops by BASE and carries 1 upward.
  (= bump (--> (ds k a)
     (let (= bv (+ (at ds k) a))
          (= bd (map (--> bj (if (== bj k) then (% bv BASE) else (at ds bj))) (range 0 3)))
          ; CHANGED (one rule): was (if (& (>= bv BASE) (< k 2)) then (bump bd (+ k 1) 1) else bd))))
          (if (& (>= bv BASE) (< k 2)) then (bump bd (+ k 1) 2) else bd))))
  ; Bar k of value v: v pips from x = 2.
  (= bar (--> (rk rv) (map (--> rx (Pip (at TINTS rk) (Position rx (at ROWS rk)))) (range 2 (+ 2 rv)))))
  (= unlit (--> () (map (--> uk (Stop false (Position 9 (at ROWS uk)))) (range 0 3))))
  (= draw (--> dd (concat (list (bar 0 (at dd 0)) (bar 1 (at dd 1)) (bar 2 (at dd 2))))))
)
