; nim: take tokens from four rows, against an opponent who always thins the longest row.
;
; Rules (all deterministic):
; - Four rows of yellow tokens, left-aligned from column 0: 1, 3, 5 and 7 tokens on rows 2-5.
; - The cell at the top-left is the turn light: blue while it is your turn, red while the
;   opponent is about to move.
; - On your turn, clicking a token removes it and every token to its right in the same row;
;   then it is the opponent's turn. Clicks on tokens during the opponent's turn do nothing.
; - The opponent moves on the tick after yours: it removes the rightmost token of the longest
;   row (the upper one on a tie); then it is your turn again.
; - Whoever takes the last token wins: the whole top row turns blue if you did, red if the
;   opponent did, and no more moves are made.
; - Clicking the purple restart cell (bottom-right) at any time restores the four rows and
;   gives you the turn.
(program
  (= GRID_SIZE 8)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Token (Cell 0 0 "yellow"))
  ; The turn light / winner banner. mode: 0 your turn, 1 opponent's turn, 2 you won,
  ; 3 opponent won. Built anew whenever the mode changes (the banner has 8 cells).
  (object Banner (: mode Number)
    (if (< mode 2)
        then (Cell 0 0 (if (== mode 0) then "blue" else "red"))
        else (map (--> bx (Cell bx 0 (if (== mode 2) then "blue" else "red"))) (range 0 8))))
  (object Restart (Cell 0 0 "purple"))

  ; Row lengths at the start (rows 2-5).
  (= ROWS (list 1 3 5 7))

  ; --- state ---------------------------------------------------------------------------
  (: tokens (List Token))
  (= tokens (initnext ((freshTokens)) (prev tokens)))
  ; Whose turn: the same numbers as the banner's mode.
  (: turn Number)
  (= turn (initnext 0 (prev turn)))
  (: banner Banner)
  (= banner (initnext (Banner 0 (Position 0 0))
                      (if (== (.. (prev banner) mode) turn)
                          then (prev banner)
                          else (Banner turn (Position 0 0)))))

  ; --- rules ---------------------------------------------------------------------------
  ; The opponent's move (reads the turn at the start of the tick, so it comes one tick
  ; after yours).
  (on (== (prev turn) 1)
      (let (= tokens (takeFrom tokens (longestRow 0)))
           (= turn (if (== (length tokens) 0) then 3 else 0))
           true))
  ; Your move: a click on a token takes it and everything to its right.
  (on (& (== (prev turn) 0) (clicked tokens))
      (let (= tokens (filter (--> tk (! (& (== (.. (.. tk origin) y) (.. click y))
                                           (>= (.. (.. tk origin) x) (.. click x)))))
                             tokens))
           (= turn (if (== (length tokens) 0) then 2 else 1))
           true))
  (on (clicked restart)
      (let (= tokens ((freshTokens)))
           (= turn 0)
           true))

  ; --- helpers -------------------------------------------------------------------------
  (= freshTokens (--> ()
    (concat (map (--> ri (map (--> tx (Token (Position tx (+ ri 2)))) (range 0 (at ROWS ri))))
                 (range 0 4)))))
  (= rowLength (--> ry (length (filter (--> tk (== (.. (.. tk origin) y) ry)) tokens))))
  ; The longest row (upper on ties). The argument is ignored.
  (= longestRow (--> unused
    (foldl (--> (best ry) (if (> (rowLength ry) (rowLength best)) then ry else best))
           2 (range 3 6))))
  ; Remove the rightmost token of row ry (rows are always left-aligned).
  (= takeFrom (--> (tks ry)
    (let (= lastX (- (rowLength ry) 1))
         (filter (--> tk (! (== (.. tk origin) (Position lastX ry)))) tks))))

  ; --- scenery -------------------------------------------------------------------------
  (= restart (Restart (Position 7 7)))
)
