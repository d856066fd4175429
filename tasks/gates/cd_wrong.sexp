; CD wrong program for gates: the blue gate is OR, not AND.
; The one changed rule is marked 'CHANGED'. Everything else is environments/gates.sexp.
; gates: switches, wires and four unlabelled logic gates lighting four lamps.
;
; Rules (all deterministic):
; - Seven switches in column 2 (rows 2, 3, 5, 6, 8, 9, 11): white when off, yellow when
;   on; all start off. Clicking a switch toggles it.
; - Signals travel one wire cell per tick. Each switch feeds an input wire of 3 cells
;   (x 3..5 of its row): the first cell shows the switch as it is this tick, and every
;   other cell shows what the cell before it showed in the last tick. Lit cells are yellow,
;   dark cells black.
; - Four gate blocks in column 6 read the last cells of their input wires (this tick) and
;   feed an output wire of 8 cells (x 7..14 of the gate's top row) in the same way: the
;   blue gate (rows 2-3) is AND, the purple gate (rows 5-6) is OR, the magenta gate
;   (rows 8-9) is XOR, and the orange gate (row 11) is NOT of its single input.
; - Each lamp at x 15 is gold while the last cell of its output wire is lit, else darkgray.
;   So the NOT gate's signal runs to its lamp by itself at the start.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Switch (: lit Bool) (Cell 0 0 (if lit then "yellow" else "white")))
  (object Wire (: len Number) (: bits (List Bool))
    (map (--> k (Cell k 0 (if (at bits k) then "yellow" else "black"))) (range 0 len)))
  (object Lamp (: lit Bool) (Cell 0 0 (if lit then "gold" else "darkgray")))
  (object Gate (: hue String) (: tall Number)
    (map (--> k (Cell 0 k hue)) (range 0 tall)))

  (= ROWS (list 2 3 5 6 8 9 11))
  (= OUTROWS (list 2 5 8 11))

  ; --- state ---------------------------------------------------------------------------
  (: switches (List Switch))
  (= switches (initnext (map (--> r (Switch false (Position 2 r))) ROWS) (prev switches)))
  (: inWires (List Wire))
  (= inWires (initnext (map (--> r (Wire 3 (list false false false) (Position 3 r))) ROWS)
                       (map (--> i (shift (at (prev inWires) i) (.. (at switches i) lit)))
                            (range 0 7))))
  (: outWires (List Wire))
  (= outWires (initnext (map (--> r (Wire 8 (list false false false false false false false false)
                                          (Position 7 r)))
                             OUTROWS)
                        (map (--> g (shift (at (prev outWires) g) (result g))) (range 0 4))))
  (: lamps (List Lamp))
  (= lamps (initnext (map (--> r (Lamp false (Position 15 r))) OUTROWS)
                     (map (--> g (updateObj (at (prev lamps) g) "lit" (tail (.. (at outWires g) bits))))
                          (range 0 4))))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked switches)
      (= switches (updateObj switches (--> s (updateObj s "lit" (! (.. s lit)))) (--> s (clicked s)))))

  ; --- helpers -------------------------------------------------------------------------
  ; A wire one tick later: inp enters the first cell, every cell passes its value on.
  (= shift (--> (wr inp) (updateObj wr "bits"
                                    (concat (list (list inp)
                                                  (map (--> j (at (.. wr bits) j))
                                                       (range 0 (- (.. wr len) 1))))))))
  ; Is input wire i lit at its end (this tick)?
  (= wireOn (--> i (tail (.. (at inWires i) bits))))
  ; Gate g's result on its input wires' ends.
  ; CHANGED (one rule): was (& (wireOn 0) (wireOn 1)): AND
  (= result (--> g (if (== g 0) then (| (wireOn 0) (wireOn 1))
                   else (if (== g 1) then (| (wireOn 2) (wireOn 3))
                   else (if (== g 2) then (!= (wireOn 4) (wireOn 5))
                   else (! (wireOn 6)))))))

  ; --- scenery -------------------------------------------------------------------------
  (= gates (list (Gate "blue" 2 (Position 6 2)) (Gate "purple" 2 (Position 6 5))
                 (Gate "magenta" 2 (Position 6 8)) (Gate "orange" 1 (Position 6 11))))
)
