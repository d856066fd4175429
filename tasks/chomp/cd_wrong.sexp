; CD wrong program for chomp: your bite takes the clicked square and the squares right of it in its own row only, not the rows below.
; The one changed rule is marked 'CHANGED'. Everything else is environments/chomp.sexp.
; chomp: the game of Chomp against a fixed-strategy opponent, on a 5x5 chocolate bar.
;
; Rules (all deterministic):
; - The bar fills columns 0..4 of rows 1..5: brown squares, with the green poison square at
;   its top-left corner (0,1).
; - Clicking a brown square (on your turn, while the game is on) eats it and every square
;   below-right of it (every square with x >= its x and y >= its y). The lamp at (5,0) turns
;   orange: the opponent moves on the next tick, and clicks on the bar in that tick are
;   ignored.
; - The opponent's reply: if the top row still has brown squares, it eats the rightmost of
;   them (and so that whole column); otherwise, if the left column still has brown squares,
;   it eats the bottom one (and so that whole row); otherwise it must eat the poison.
; - Whoever eats the poison loses. Clicking the poison yourself eats it and the whole bar,
;   and the lamp turns red (lost); when the opponent eats it the lamp turns green (won).
;   The poison square turns black once eaten. The lamp is gray while it is your turn.
; - A tally in column 5 (rows 1..4, top down) counts your bites this game: one silver cell
;   per bite, up to four.
; - Clicking the white square at (5,5) restarts: the full bar, the poison, a gray lamp, an
;   empty tally.
(program
  (= GRID_SIZE 6)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Choc (Cell 0 0 "brown"))
  (object Poison (: eaten Bool) (Cell 0 0 (if eaten then "black" else "green")))
  (object Lamp (: mode Number)
    (Cell 0 0 (if (== mode 1) then "red"
                  else (if (== mode 2) then "green"
                           else (if (== mode 3) then "orange" else "gray")))))
  (object Restart (Cell 0 0 "white"))
  (object Tally (: n Number)
    (map (--> k (Cell 0 (- k 1) (if (>= n k) then "silver" else "black"))) (range 1 5)))

  ; The squares of the full bar without the poison corner (positions: not drawn).
  (= FULL (filter (--> p (! (& (== (.. p x) 0) (== (.. p y) 1))))
                  (rect (Position 0 1) (Position 5 6))))

  ; --- state ---------------------------------------------------------------------------
  ; 0 playing, 1 lost (you ate the poison), 2 won (the opponent ate it). Seen on the lamp.
  (: result Number)
  (= result (initnext 0 (prev result)))
  ; The opponent moves on the next tick.
  (: pending Bool)
  (= pending (initnext false (prev pending)))
  (: bar (List Choc))
  (= bar (initnext (map Choc FULL) (prev bar)))
  (: poison Poison)
  (= poison (initnext (Poison false (Position 0 1)) (prev poison)))
  (: tally Tally)
  (= tally (initnext (Tally 0 (Position 5 1)) (prev tally)))
  (: lamp Lamp)
  (= lamp (initnext (Lamp 0 (Position 5 0))
                    (updateObj (prev lamp) "mode"
                               (if (== result 0) then (if pending then 3 else 0) else result))))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked restart)
      (let (= bar (map Choc FULL))
           (= poison (updateObj poison "eaten" false))
           (= result 0)
           (= pending false)
           (= tally (updateObj tally "n" 0))
           true))
  ; The opponent's reply, one tick after your move.
  (on (& pending (== result 0))
      (let (= top (filter (--> c (== (.. (.. c origin) y) 1)) bar))
           (= side (filter (--> c (== (.. (.. c origin) x) 0)) bar))
           (= pending false)
           (if (> (length top) 0)
               then (= bar (eat bar (Position (foldl (--> (a c) (max a (.. (.. c origin) x))) 0 top) 1)))
               else (if (> (length side) 0)
                        then (= bar (eat bar (Position 0 (foldl (--> (a c) (max a (.. (.. c origin) y))) 0 side))))
                        else (let (= poison (updateObj poison "eaten" true))
                                  (= result 2)
                                  true)))))
  ; Your move: eat the clicked square and everything below-right of it.
  (on (& (clicked bar) (& (! (prev pending)) (== result 0)))
      ; CHANGED (one rule): was (= bar (eat bar click)): the clicked square and everything below-right
      (let (= bar (filter (--> c (! (& (>= (.. (.. c origin) x) (.. click x))
                                       (== (.. (.. c origin) y) (.. click y)))))
                          bar))
           (= pending true)
           (= tally (updateObj tally "n" (+ (.. tally n) 1)))
           true))
  ; Eating the poison yourself: the whole bar goes, and you lose.
  (on (& (clicked poison) (& (! (prev pending)) (== result 0)))
      (let (= bar (list))
           (= poison (updateObj poison "eaten" true))
           (= result 1)
           true))

  ; --- helpers -------------------------------------------------------------------------
  ; The squares left after eating at position q.
  (= eat (--> (cs q) (filter (--> c (! (& (>= (.. (.. c origin) x) (.. q x))
                                          (>= (.. (.. c origin) y) (.. q y)))))
                             cs)))

  ; --- scenery -------------------------------------------------------------------------
  (= restart (Restart (Position 5 5)))
)
