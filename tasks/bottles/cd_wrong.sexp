; CD wrong program for bottles: a new bottle does not sweep away the broken glass.
; The one changed rule is marked 'CHANGED'. Everything else is environments/bottles.sexp.
; bottles: two throwers take turns at a bottle on a post; luck decides whether it breaks.
;
; Rules:
; - Clicking the blue thrower (left) or pressing right throws a darkgray rock from the left: it
;   appears at (5, 7) and flies right one cell per tick. Clicking the purple thrower (right)
;   or pressing left throws one from the right: it appears at (11, 7) and flies left. A
;   thrower does not throw while its launch cell held a rock in the last frame. In a tick
;   with a throw, the rocks already flying still move.
; - A rock whose next cell held the green bottle (x 8, rows 6-8) in the last frame strikes it
;   and vanishes. Each strike draws at random whether the bottle breaks: a rock from the blue
;   thrower breaks it 1 time in 2, a rock from the purple thrower 1 time in 4 (one
;   uniformChoice per strike, in the order the rocks were thrown). A rock that reaches no
;   bottle flies on and leaves the grid.
; - When the bottle breaks it vanishes, a gold mark is added to the tally on row 0 (from the
;   left, at most 16), and three lightblue shards of glass appear at (7, 7), (8, 8) and
;   (9, 7). Each tick a shard falls one cell if the cell below was free in the last frame.
; - Clicking the gray post under the bottle or a shard, while the bottle is broken, stands a
;   new bottle on the post and sweeps away all the glass.
; - up and down do nothing.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Thrower (: shirt String) (list (Cell 0 0 shirt) (Cell 0 1 shirt)))
  ; A rock flies `heading` cells per tick; a strike breaks the bottle when a draw from
  ; `odds` is 0.
  (object Rock (: heading Number) (: odds (List Number)) (Cell 0 0 "darkgray"))
  (object Bottle (list (Cell 0 0 "green") (Cell 0 1 "green") (Cell 0 2 "green")))
  (object Shard (Cell 0 0 "lightblue"))
  (object Mark (Cell 0 0 "gold"))
  (object Stone (Cell 0 0 "gray"))

  (= LEFT_ODDS (range 0 2))
  (= RIGHT_ODDS (range 0 4))

  ; --- state ---------------------------------------------------------------------------
  ; The bottle: a one-element list while standing, empty while broken.
  (: bottle (List Bottle))
  (= bottle (initnext (list (Bottle (Position 8 6)))
                      (if (& (> (length (prev bottle)) 0) (shatters (prev rocks)))
                          then (list)
                          else (prev bottle))))
  (: rocks (List Rock))
  (= rocks (initnext (list) (advance (prev rocks))))
  (: shards (List Shard))
  (= shards (initnext (list)
                      (if ((justBroke))
                          then (list (Shard (Position 7 7)) (Shard (Position 8 8)) (Shard (Position 9 7)))
                          else (map drop (prev shards)))))
  (: tally (List Mark))
  (= tally (initnext (list)
                     (if (& ((justBroke)) (< (length (prev tally)) 16))
                         then (addObj (prev tally) (Mark (Position (length (prev tally)) 0)))
                         else (prev tally))))

  ; --- rules ---------------------------------------------------------------------------
  (on (& (| right (clicked leftThrower)) (isFreePos (Position 5 7)))
      (= rocks (addObj (advance (prev rocks)) (Rock 1 LEFT_ODDS (Position 5 7)))))
  (on (& (| left (clicked rightThrower)) (isFreePos (Position 11 7)))
      (= rocks (addObj (advance (prev rocks)) (Rock -1 RIGHT_ODDS (Position 11 7)))))
  (on (& (| (clicked post) (clicked shards)) (== (length bottle) 0))
      (let (= bottle (list (Bottle (Position 8 6))))
           ; CHANGED (one rule): was (= shards (list))
           (= shards shards)
           true))

  ; --- helpers -------------------------------------------------------------------------
  (= fly (--> r (move r (Position (.. r heading) 0))))
  (= striking (--> r (intersects (fly r) (prev bottle))))
  ; One draw per striking rock (all of them, no short cut); true if any draw breaks it.
  (= shatters (--> rs (foldl (--> (acc r) (| (== (uniformChoice (.. r odds)) 0) acc))
                             false (filter striking rs))))
  (= advance (--> rs (filter isWithinBounds (map fly (removeObj rs striking)))))
  (= justBroke (--> () (& (> (length (prev bottle)) 0) (== (length bottle) 0))))
  (= drop (--> s (if (isFreePos (.. (moveDown s) origin)) then (moveDown s) else s)))

  ; --- scenery -------------------------------------------------------------------------
  (= leftThrower (Thrower "blue" (Position 4 7)))
  (= rightThrower (Thrower "purple" (Position 12 7)))
  (= post (map (--> py (Stone (Position 8 py))) (range 9 15)))
  (= ground (concat (list (map (--> gx (Stone (Position gx 15))) (range 0 16))
                          (map (--> py (Stone (Position 4 py))) (range 9 15))
                          (map (--> py (Stone (Position 12 py))) (range 9 15)))))
)
