; CD wrong program for snake: eating the food does not grow the snake (its tail moves on).
; The one changed rule is marked 'CHANGED'. Everything else is environments/snake.sexp.
; snake: steer a snake to food that reappears at random free cells.
;
; Rules:
; - The snake (yellow head, green body) moves one cell in its hidden heading on every odd tick
;   (1, 3, 5, ...; a hidden clock); it starts at (3,6)-(1,6) heading right.
; - The arrows set the heading, except that a heading that would take the head straight back
;   onto the segment behind it is ignored.
; - Moving onto the red food grows the snake by one segment (its tail stays). Stochastic: the
;   food then reappears at a random cell (one draw) among those free in the last frame, other
;   than the head's new cell.
; - Moving out of the grid, or onto a segment other than the tail, resets the snake to its
;   start (heading right); the food stays where it is.
(program
  (= GRID_SIZE 12)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Segment (: tint String) (Cell 0 0 tint))
  (object Food (Cell 0 0 "red"))

  (= START (--> () (list (Segment "yellow" (Position 3 6)) (Segment "green" (Position 2 6))
                         (Segment "green" (Position 1 6)))))

  ; --- state ---------------------------------------------------------------------------
  ; The clock (hidden): the snake moves in ticks that start with 0.
  (: clock Number)
  (= clock (initnext 0 (- 1 (prev clock))))
  ; The heading (hidden), a unit vector.
  (: heading Position)
  (= heading (initnext (Position 1 0) (prev heading)))
  ; Whether the snake ate in this tick (hidden).
  (: ate Bool)
  (= ate (initnext false false))
  (: snake (List Segment))
  (= snake (initnext ((START)) (if (== (prev clock) 0) then (slither (prev snake)) else (prev snake))))
  (: food Food)
  (= food (initnext (Food (Position 5 6)) (if ate then (relocate (prev food)) else (prev food))))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= heading (turn (Position -1 0))))
  (on right (= heading (turn (Position 1 0))))
  (on up (= heading (turn (Position 0 -1))))
  (on down (= heading (turn (Position 0 1))))

  ; --- helpers -------------------------------------------------------------------------
  (= headPos (--> () (.. (head snake) origin)))
  (= turn (--> td (if (== (movePos ((headPos)) td) (.. (at snake 1) origin)) then heading else td)))
  (= inGrid (--> gp (& (& (>= (.. gp x) 0) (< (.. gp x) GRID_SIZE))
                       (& (>= (.. gp y) 0) (< (.. gp y) GRID_SIZE)))))
  ; One move: the new head, then the body (all but the tail unless the food is eaten).
  (= slither (--> ss (let (= nh (movePos (.. (head ss) origin) heading))
                          (= front (removeObj ss (tail ss)))
                          (if (| (! (inGrid nh)) (any (--> sg (== (.. sg origin) nh)) front))
                              then (let (= heading (Position 1 0)) ((START)))
                              else (let (= ate (== nh (.. food origin)))
                                        (concat (list (list (Segment "yellow" nh))
                                                      (map (--> bs (updateObj bs "tint" "green"))
                                                           ; CHANGED (one rule): was (if ate then ss else front)
                                                           front))))))))
  (= relocate (--> rf (let (= spots (filter (--> sp (& (isFreePos sp) (!= sp ((headPos)))))
                                            (allPositions GRID_SIZE)))
                           (if (== (length spots) 0)
                               then rf
                               else (updateObj rf "origin" (uniformChoice spots))))))
)
