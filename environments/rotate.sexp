; rotate: a 3x3 rotation puzzle of coloured tiles; clicks turn 2x2 blocks, arrows shift lines.
;
; Rules (all deterministic):
; - The board is nine tiles, one per cell, coloured red, green or blue (three of each).
; - Clicking cell (x, y) turns the 2x2 block whose top-left cell is (min(x,1), min(y,1))
;   a quarter turn clockwise: the tile at its top-left goes to its top-right, top-right to
;   bottom-right, bottom-right to bottom-left, bottom-left to top-left. (So a click on the last
;   row or column turns the block that ends there.)
; - A click also selects the clicked cell's row and column (not drawn; both start as the middle
;   row and column).
; - left / right shift the selected row one cell left / right, cyclically (the tile pushed off
;   one end comes back at the other end).
; - up / down shift the selected column one cell up / down, cyclically.
; - The board is solved when the top row is all red, the middle row all green and the bottom
;   row all blue. While it is solved it blinks: in the tick it becomes solved, and every second
;   tick after that while it stays solved, all nine cells show white.
(program
  (= GRID_SIZE 3)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Tile (: tint String) (Cell 0 0 tint))
  (object Glow (Cell 0 0 "white"))

  ; The goal, row by row (index = 3 * y + x).
  (= SOLVED (list "red" "red" "red" "green" "green" "green" "blue" "blue" "blue"))

  ; --- state ---------------------------------------------------------------------------
  ; The colours of the nine cells, row by row (index = 3 * y + x).
  (: board (List String))
  (= board (initnext (list "red" "green" "blue" "red" "blue" "green" "blue" "red" "green")
                     (prev board)))
  ; The selected row (y) and column (x): the last clicked cell (not drawn).
  (: sel Position)
  (= sel (initnext (Position 1 1) (prev sel)))
  ; Whether the white flash shows this tick (not drawn by itself).
  (: blink Bool)
  (= blink (initnext false (if (== board SOLVED) then (! (prev blink)) else false)))
  (: tiles (List Tile))
  (= tiles (initnext (draw board) (draw board)))
  (: glow (List Glow))
  (= glow (initnext (list) (if blink then (map (--> gi (Glow (spot gi))) (range 0 9)) else (list))))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked)
      (let (= board (turned board (min (.. click x) 1) (min (.. click y) 1)))
           (= sel click)
           true))
  (on left (= board (shifted board 1 0)))
  (on right (= board (shifted board 2 0)))
  (on up (= board (shifted board 0 1)))
  (on down (= board (shifted board 0 2)))

  ; --- helpers -------------------------------------------------------------------------
  (= spot (--> si (Position (% si 3) (/ si 3))))
  (= colourAt (--> (cb cx cy) (at cb (+ (* 3 cy) cx))))
  (= draw (--> db (map (--> di (Tile (at db di) (spot di))) (range 0 9))))
  ; The board after a clockwise quarter turn of the 2x2 block with top-left (bx, by).
  (= turned (--> (tb bx by)
     (map (--> ti (let (= tx (% ti 3))
                       (= ty (/ ti 3))
                       (if (& (== tx bx) (== ty by)) then (colourAt tb bx (+ by 1))
                       else (if (& (== tx (+ bx 1)) (== ty by)) then (colourAt tb bx by)
                       else (if (& (== tx (+ bx 1)) (== ty (+ by 1))) then (colourAt tb (+ bx 1) by)
                       else (if (& (== tx bx) (== ty (+ by 1))) then (colourAt tb (+ bx 1) (+ by 1))
                       else (at tb ti)))))))
          (range 0 9))))
  ; The board after shifting the selected row (sdy = 0) or column (sdx = 0): each cell of that
  ; line takes the colour sdx columns to its right or sdy rows below it, cyclically.
  (= shifted (--> (hb sdx sdy)
     (map (--> hi (let (= hx (% hi 3))
                       (= hy (/ hi 3))
                       (if (| (& (== sdy 0) (== hy (.. sel y))) (& (== sdx 0) (== hx (.. sel x))))
                           then (colourAt hb (% (+ hx sdx) 3) (% (+ hy sdy) 3))
                           else (at hb hi))))
          (range 0 9))))
  ; Whether row ry holds one colour only (used by the change-detection trigger).
  (= rowUniform (--> (ub ry) (& (== (colourAt ub 0 ry) (colourAt ub 1 ry))
                                (== (colourAt ub 1 ry) (colourAt ub 2 ry)))))
)
