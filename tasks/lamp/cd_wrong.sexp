; CD wrong program for lamp: every second press in a row toggles the lamp, not every third.
; The one changed rule is marked 'CHANGED'. Everything else is environments/lamp.sexp.
; lamp: a lamp switched by a hidden press counter, and two moths drawn to its light.
;
; Rules (all deterministic):
; - Clicking the red button (2x2, bottom centre) counts a press; the button flashes orange for
;   that one tick. The count itself is never drawn.
; - Every third press in a row toggles the lamp (2x2 bulb on a gray stand: yellow when on,
;   darkgray when off) and the count starts again from zero.
; - A click anywhere other than the button resets the count to zero.
; - Each tick every purple moth takes one step (horizontal first) toward its spot beside the
;   bulb while the lamp is on, and toward its home in a top corner while it is off.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Button (: pressed Bool)
    (map (--> q (Cell (.. q x) (.. q y) (if pressed then "orange" else "red")))
         (list (Position 0 0) (Position 1 0) (Position 0 1) (Position 1 1))))
  (object Lamp (: shining Bool)
    (map (--> q (Cell (.. q x) (.. q y) (if shining then "yellow" else "darkgray")))
         (list (Position 0 0) (Position 1 0) (Position 0 1) (Position 1 1))))
  (object Moth (: home Position) (: spot Position) (Cell 0 0 "purple"))
  (object Post (Cell 0 0 "gray"))

  ; --- state ---------------------------------------------------------------------------
  ; Presses since the last toggle or stray click (hidden).
  (: presses Number)
  (= presses (initnext 0 (prev presses)))
  (: button Button)
  (= button (initnext (Button false (Position 7 13)) (updateObj (prev button) "pressed" false)))
  (: lamp Lamp)
  (= lamp (initnext (Lamp false (Position 7 5)) (prev lamp)))
  (: moths (List Moth))
  (= moths (initnext (list (Moth (Position 1 1) (Position 6 5) (Position 1 1))
                           (Moth (Position 14 1) (Position 9 5) (Position 14 1)))
                     (map flutter (prev moths))))

  ; --- rules ---------------------------------------------------------------------------
  ; A press on the button counts, and flashes the button.
  (on (clicked button)
      (let (= presses (+ presses 1))
           (= button (updateObj button "pressed" true))
           true))
  ; A click anywhere else resets the count.
  (on (& ((clicked)) (! (clicked button))) (= presses 0))
  ; The third press toggles the lamp, and the count starts again.
  ; CHANGED (one rule): was (on (== presses 3)
  (on (== presses 2)
      (let (= presses 0)
           (= lamp (updateObj lamp "shining" (! (.. lamp shining))))
           true))

  ; --- helpers -------------------------------------------------------------------------
  ; One step of a moth toward its spot (lamp on) or its home (lamp off). It reads the lamp
  ; after this tick's rules, so moths turn in the tick the lamp switches.
  (= flutter (--> m (move m (unitVectorObjPos m (if (.. lamp shining)
                                                    then (.. m spot)
                                                    else (.. m home))))))

  ; --- scenery: the lamp's stand and base ---------------------------------------------
  (= stand (concat (list (map (--> sy (Post (Position 7 sy))) (range 7 10))
                         (map (--> sy (Post (Position 8 sy))) (range 7 10))
                         (map (--> sx (Post (Position sx 10))) (range 6 10)))))
)
