; CD wrong program for lightbar: while the bar is on, right turns it 90 degrees clockwise, not 45.
; The one changed rule is marked 'CHANGED'. Everything else is environments/lightbar.sexp.
; lightbar: a light bar that slides while it is off and turns while it is on.
;
; Rules (all deterministic):
; - The bar is a straight line of 5 cells around its centre, pointing in one of 8 directions
;   (right, down-right, down, down-left, left, up-left, up, up-right); its tip (the end it
;   points to) has its own colour. Off: blue with a lightblue tip. On: yellow with a white tip.
; - Clicking the switch (2x2, bottom left: red = off, green = on) turns the bar on or off.
; - While the bar is off, each arrow moves the whole bar one cell that way, unless a cell would
;   leave the grid or land on a wall or the switch (then it stays).
; - While the bar is on, right turns it 45 degrees clockwise and left 45 degrees anticlockwise
;   around its centre, under the same blocking; up and down do nothing.
; Scenery: gray walls at (3,3)-(4,3) and (12,10)-(12,12).
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  ; Direction d (0..7, clockwise from right) has step (at DXS d, at DYS d).
  (= DXS (list 1 1 0 -1 -1 -1 0 1))
  (= DYS (list 0 1 1 1 0 -1 -1 -1))
  (object Bar (: dir Number) (: lit Bool)
    (map (--> k (Cell (* k (at DXS dir)) (* k (at DYS dir))
                      (if (== k 2)
                          then (if lit then "white" else "lightblue")
                          else (if lit then "yellow" else "blue"))))
         (range -2 3)))
  (object Switch (: isOn Bool)
    (map (--> q (Cell (.. q x) (.. q y) (if isOn then "green" else "red")))
         (list (Position 0 0) (Position 1 0) (Position 0 1) (Position 1 1))))
  (object Wall (Cell 0 0 "gray"))

  ; --- state ---------------------------------------------------------------------------
  (: switch Switch)
  (= switch (initnext (Switch false (Position 0 14)) (prev switch)))
  (: bar Bar)
  (= bar (initnext (Bar 0 false (Position 8 7)) (prev bar)))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked switch)
      (let (= switch (updateObj switch "isOn" (! (.. switch isOn))))
           (= bar (updateObj bar "lit" (.. switch isOn)))
           true))
  (on (& left (! (.. bar lit))) (= bar (shifted bar -1 0)))
  (on (& right (! (.. bar lit))) (= bar (shifted bar 1 0)))
  (on (& up (! (.. bar lit))) (= bar (shifted bar 0 -1)))
  (on (& down (! (.. bar lit))) (= bar (shifted bar 0 1)))
  (on (& right (.. bar lit)) (= bar (turned bar 2)))  ; CHANGED (one rule): was (on (& right (.. bar lit)) (= bar (turned bar 1)))
  (on (& left (.. bar lit)) (= bar (turned bar 7)))

  ; --- helpers -------------------------------------------------------------------------
  ; The bar turned by `steps` eighths clockwise (7 = one eighth anticlockwise).
  (= spun (--> (b steps) (updateObj b "dir" (% (+ (.. b dir) steps) 8))))
  ; Bar r may replace bar b: every cell of r is in the grid and was free or part of b.
  (= fits (--> (r b) (& (isWithinBounds r)
                        (! (any (--> e (! (isFreePosExceptObj (.. e position) b))) (renderValue r))))))
  (= canTurn (--> (b steps) (fits (spun b steps) b)))
  (= shifted (--> (b dx dy) (let (= m (move b (Position dx dy))) (if (fits m b) then m else b))))
  (= turned (--> (b steps) (if (canTurn b steps) then (spun b steps) else b)))

  ; --- scenery -------------------------------------------------------------------------
  (= walls (list (Wall (Position 3 3)) (Wall (Position 4 3))
                 (Wall (Position 12 10)) (Wall (Position 12 11)) (Wall (Position 12 12))))
)
