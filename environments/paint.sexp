; paint: pick a colour from the palette and paint the canvas by clicking or with a brush.
;
; Rules (all deterministic):
; - Row 0 is the palette: red, yellow, green and blue swatches at x 0, 2, 4, 6 and a pink
;   eraser at x 8. A white marker on row 1 sits under the selected swatch (red at the start).
; - Clicking a swatch selects it and refills the brush with ink for 6 strokes (not drawn).
;   At the start the brush holds ink for 3 strokes.
; - Clicking a canvas cell (rows 2-9) paints it in the selected colour; with the eraser selected
;   it removes the paint. The brush's cell can be clicked too (the paint shows when it leaves).
; - An arrow points the silver brush that way and moves it one cell; after that it keeps
;   gliding one cell per tick in that direction until the next step would leave the canvas,
;   where it stops. If the brush has ink, each move first paints the cell it leaves (or erases
;   it, with the eraser) and uses one stroke; without ink it moves without painting.
(program
  (= GRID_SIZE 10)
  (= FRAME_RATE 8)

  ; Strokes of ink after a refill (not drawn).
  (= INK 6)
  (= HUES (list "red" "yellow" "green" "blue" "pink"))

  ; --- objects -------------------------------------------------------------------------
  (object Dab (: tint String) (Cell 0 0 tint))
  (object Swatch (: slot Number) (: tint String) (Cell 0 0 tint))
  (object Marker (Cell 0 0 "white"))
  (object Brush (: heading Position) (Cell 0 0 "silver"))

  ; --- state ---------------------------------------------------------------------------
  ; The selected swatch (0-3 colours, 4 the eraser).
  (: selected Number)
  (= selected (initnext 0 (prev selected)))
  ; Brush moves since the last refill (not drawn); the first INK of them paint.
  (: used Number)
  (= used (initnext 3 (prev used)))
  (: dabs (List Dab))
  (= dabs (initnext (list) (prev dabs)))
  (: brush Brush)
  (= brush (initnext (Brush (Position 0 0) (Position 4 5))
                     (if (== (.. (prev brush) heading) (Position 0 0)) then (prev brush)
                         else (step (prev brush)))))
  (: marker Marker)
  (= marker (initnext (Marker (Position 0 1)) (prev marker)))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked swatches)
      (let (= selected (.. (head (filter (--> s (clicked s)) swatches)) slot))
           (= used 0)
           (= marker (Marker (Position (* 2 selected) 1)))
           true))
  (on (& ((clicked)) (>= (.. click y) 2)) (= dabs (paintAt click dabs)))
  (on (| left (| right (| up down))) (= brush (step (updateObj brush "heading" ((pending))))))

  ; --- helpers -------------------------------------------------------------------------
  ; The dabs ds with position p painted in the selected colour (or erased).
  (= paintAt (--> (p ds) (let (= rest (removeObj ds (--> d (== (.. d origin) p))))
                              (if (== selected 4) then rest
                                  else (addObj rest (Dab (at HUES selected) p))))))
  (= inCanvas (--> p (& (& (>= (.. p x) 0) (< (.. p x) 10)) (& (>= (.. p y) 2) (< (.. p y) 10)))))
  ; The direction of this tick's arrow, or the brush's heading when no arrow is pressed.
  (= pending (fn () (if ((left)) then (Position -1 0)
                     else (if ((right)) then (Position 1 0)
                     else (if ((up)) then (Position 0 -1)
                     else (if ((down)) then (Position 0 1)
                     else (.. brush heading)))))))
  ; One step of brush b along its heading, painting the cell it leaves while it has ink; at the
  ; canvas edge it stops instead.
  (= step (--> b (let (= ahead (movePos (.. b origin) (.. b heading)))
                      (if (inCanvas ahead)
                          then (let (= dabs (if (< used INK) then (paintAt (.. b origin) dabs) else dabs))
                                    (= used (+ used 1))
                                    (updateObj b "origin" ahead))
                          else (updateObj b "heading" (Position 0 0))))))
  ; The colour painted at p ("black" when bare).
  (= colourAt (--> p (let (= here (filter (--> d (== (.. d origin) p)) dabs))
                          (if (== (length here) 0) then "black" else (.. (head here) tint)))))

  ; --- scenery -------------------------------------------------------------------------
  (= swatches (map (--> i (Swatch i (at HUES i) (Position (* 2 i) 0))) (range 0 5)))
)
