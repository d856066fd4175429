; CD wrong program for lock: the right-hand dial cycles backwards (red -> blue -> yellow).
; The one changed rule is marked 'CHANGED'. Everything else is environments/lock.sexp.
; lock: a combination padlock with three colour dials, a try button and a hidden code.
;
; Rules (all deterministic):
; - The three dials (row 2, x 1..3) start red. Clicking a dial advances its colour
;   red -> yellow -> blue -> red.
; - The code is fixed and never drawn: blue, red, yellow (left to right).
; - Clicking the white try button (bottom centre) while the lock is shut tests the dials:
;   each hint lamp under a dial (row 3) turns green if that dial is right and darkgray if
;   not. If all three are right the lock opens: the shackle turns gold and its right leg
;   lifts out (vanishes). Otherwise the button flashes red for that one tick and every dial
;   snaps back to red.
; - Clicking the try button while the lock is open shuts it again (gray shackle), resets
;   the dials to red and darkens the hint lamps.
; - The brown body is scenery.
(program
  (= GRID_SIZE 5)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Dial (: slot Number) (: v Number)
    (Cell 0 0 (if (== v 0) then "red" else (if (== v 1) then "yellow" else "blue"))))
  (object Hint (: ok Bool) (Cell 0 0 (if ok then "green" else "darkgray")))
  (object Shackle (: open Bool)
    (list (Cell 0 0 (if open then "gold" else "gray"))
          (Cell 1 0 (if open then "gold" else "gray"))
          (Cell 2 0 (if open then "gold" else "gray"))
          (Cell 0 1 (if open then "gold" else "gray"))
          (Cell 2 1 (if open then "black" else "gray"))))
  (object Button (: flash Bool) (Cell 0 0 (if flash then "red" else "white")))
  (object Body (Cell 0 0 "brown"))

  ; The hidden code: dial values left to right (0 red, 1 yellow, 2 blue).
  (= CODE (list 2 0 1))

  ; --- state ---------------------------------------------------------------------------
  (: shackle Shackle)
  (= shackle (initnext (Shackle false (Position 1 0)) (prev shackle)))
  (: dials (List Dial))
  (= dials (initnext (map (--> i (Dial i 0 (Position (+ i 1) 2))) (range 0 3)) (prev dials)))
  (: hints (List Hint))
  (= hints (initnext (map (--> i (Hint false (Position (+ i 1) 3))) (range 0 3)) (prev hints)))
  (: button Button)
  (= button (initnext (Button false (Position 2 4)) (updateObj (prev button) "flash" false)))

  ; --- rules ---------------------------------------------------------------------------
  ; A dial click advances that dial.
  (on (clicked dials)
      ; CHANGED (one rule): was (% (+ (.. d v) 1) 3) for every dial
      (= dials (updateObj dials (--> d (updateObj d "v" (% (+ (.. d v) (if (== (.. d slot) 2) then 2 else 1)) 3)))
                          (--> d (clicked d)))))
  ; Try while open: shut the lock and reset everything.
  (on (& (clicked button) (.. shackle open))
      (let (= shackle (updateObj shackle "open" false))
           (= dials (map (--> d (updateObj d "v" 0)) dials))
           (= hints (map (--> h (updateObj h "ok" false)) hints))
           true))
  ; Try while shut: light the hints; open if all right, else flash and reset the dials.
  (on (& (clicked button) (! (.. (prev shackle) open)))
      (let (= hints (map (--> i (Hint (== (.. (at dials i) v) (at CODE i)) (Position (+ i 1) 3)))
                         (range 0 3)))
           (= shackle (updateObj shackle "open"
                                 (== (length (filter (--> h (.. h ok)) hints)) 3)))
           (= button (updateObj button "flash" (! (.. shackle open))))
           (= dials (if (.. shackle open) then dials
                        else (map (--> d (updateObj d "v" 0)) dials)))
           true))

  ; --- scenery -------------------------------------------------------------------------
  (= body (map (--> q (Body q))
               (list (Position 0 2) (Position 4 2) (Position 0 3) (Position 4 3)
                     (Position 0 4) (Position 1 4) (Position 3 4) (Position 4 4))))
)
