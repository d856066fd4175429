; lines: colour lines; move a ball, three random balls drop in, four in a row vanish.
;
; Rules:
; - Balls of four colours (red, blue, green, gold) lie on the 9x9 board, at most one per cell.
; - Clicking a ball selects it; it is then drawn in a lighter shade (red pink, blue lightblue,
;   green lightgreen, gold yellow). Clicking another ball selects that one instead; clicking
;   the selected ball again deselects it.
; - Clicking an empty cell while a ball is selected moves (teleports) the ball there and clears
;   the selection. Clicking an empty cell with nothing selected does nothing.
; - An arrow moves the selected ball one cell in its direction if that cell is on the board and
;   empty; this is a move like a click move (and clears the selection). Otherwise, or with
;   nothing selected, arrows do nothing.
; - After a move, if the moved ball is part of an unbroken horizontal or vertical line of four
;   or more balls of its colour, every such line through it vanishes, and nothing else happens.
; - Otherwise three new balls appear, one after another, each on a random empty cell (uniform
;   over the empty cells, in row-major order) with a random colour (uniform over red, blue,
;   green, gold); a new ball is only added while there are fewer than 30 balls. New balls never
;   make lines vanish.
; Stochastic: two draws (cell, then colour) per new ball.
(program
  (= GRID_SIZE 9)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Ball (: tint String) (Cell 0 0 tint))

  (= HUES (list "red" "blue" "green" "gold"))
  (= CAP 30)
  ; The shortest line that vanishes.
  (= LINE 4)

  ; --- state ---------------------------------------------------------------------------
  ; The board, row by row (index 9 * y + x): a colour, or "none" for an empty cell.
  (: board (List String))
  (= board (initnext ((initial)) (prev board)))
  ; The selected ball's index, or -1.
  (: sel Number)
  (= sel (initnext -1 (prev sel)))
  ; The balls as drawn, rebuilt only when the board or the selection changed.
  (: balls (List Ball))
  (= balls (initnext (draw board sel)
                     (if (& (== board (prev board)) (== sel (prev sel))) then (prev balls)
                         else (draw board sel))))

  ; --- rules ---------------------------------------------------------------------------
  ; Clicking a ball selects it, or deselects it if it was selected.
  (on (& ((clicked)) (!= (colourAt board (.. click x) (.. click y)) "none"))
      (= sel (if (== sel (idx click)) then -1 else (idx click))))
  ; A move (a click on an empty cell, or an arrow) with a ball selected: then a line vanishes,
  ; or three random balls drop in.
  (on (& (!= sel -1) (!= ((dest)) -1))
      (let (= goal ((dest)))
           (= moved (relocate board sel goal))
           (= board (if (makesLine moved goal) then (lineClear moved goal)
                        else (spawn (spawn (spawn moved)))))
           (= sel -1)
           true))

  ; --- helpers -------------------------------------------------------------------------
  (= initial (--> ()
     (map (--> ij (if (| (== ij 20) (| (== ij 21) (| (== ij 22) (== ij 32)))) then "red"
                   else (if (| (== ij 55) (== ij 64)) then "blue"
                   else (if (| (== ij 50) (== ij 42)) then "green"
                   else (if (== ij 16) then "gold" else "none")))))
          (range 0 81))))
  ; This tick's move destination (an index), or -1: a clicked empty cell, or the empty cell
  ; next to the selected ball in an arrow's direction.
  (= dest (--> ()
     (if ((clicked)) then (if (& (onBoard click) (== (at board (idx click)) "none")) then (idx click) else -1)
     else (if ((left)) then (nextTo sel -1 0)
     else (if ((right)) then (nextTo sel 1 0)
     else (if ((up)) then (nextTo sel 0 -1)
     else (if ((down)) then (nextTo sel 0 1) else -1)))))))
  (= nextTo (--> (ni ndx ndy)
     (let (= np (Position (+ (% ni 9) ndx) (+ (/ ni 9) ndy)))
          (if (& (onBoard np) (== (at board (idx np)) "none")) then (idx np) else -1))))
  (= idx (--> q (+ (* 9 (.. q y)) (.. q x))))
  (= spot (--> si (Position (% si 9) (/ si 9))))
  (= onBoard (--> ob (& (& (>= (.. ob x) 0) (< (.. ob x) 9)) (& (>= (.. ob y) 0) (< (.. ob y) 9)))))
  (= colourAt (--> (cb cx cy)
     (if (& (& (>= cx 0) (< cx 9)) (& (>= cy 0) (< cy 9))) then (at cb (+ (* 9 cy) cx)) else "none")))
  (= light (--> lc (if (== lc "red") then "pink" else (if (== lc "blue") then "lightblue"
                   else (if (== lc "green") then "lightgreen" else "yellow")))))
  ; The board with the ball at index mf moved to index mt.
  (= relocate (--> (mb mf mt)
     (map (--> mi (if (== mi mt) then (at mb mf) else (if (== mi mf) then "none" else (at mb mi))))
          (range 0 81))))
  ; Balls of colour rc in an unbroken run from (rx, ry) on in direction (rdx, rdy).
  (= run (--> (rb rx ry rdx rdy rc)
     (if (== (colourAt rb rx ry) rc) then (+ 1 (run rb (+ rx rdx) (+ ry rdy) rdx rdy rc)) else 0)))
  ; The lengths of the horizontal (x) and vertical (y) lines through index lp.
  (= runs (--> (lb lp)
     (let (= lx (% lp 9))
          (= ly (/ lp 9))
          (= lcol (at lb lp))
          (Position (+ (+ (run lb (- lx 1) ly -1 0 lcol) (run lb (+ lx 1) ly 1 0 lcol)) 1)
                    (+ (+ (run lb lx (- ly 1) 0 -1 lcol) (run lb lx (+ ly 1) 0 1 lcol)) 1)))))
  (= makesLine (--> (kb kp) (let (= kr (runs kb kp)) (| (>= (.. kr x) LINE) (>= (.. kr y) LINE)))))
  ; The board without the lines of LINE or more through index lp.
  (= lineClear (--> (lb lp)
     (let (= lx (% lp 9))
          (= ly (/ lp 9))
          (= lcol (at lb lp))
          (= lw (run lb (- lx 1) ly -1 0 lcol))
          (= le (run lb (+ lx 1) ly 1 0 lcol))
          (= ln (run lb lx (- ly 1) 0 -1 lcol))
          (= ls (run lb lx (+ ly 1) 0 1 lcol))
          (= hn (+ (+ lw le) 1))
          (= vn (+ (+ ln ls) 1))
          (map (--> ci (let (= gx (% ci 9))
                            (= gy (/ ci 9))
                            (if (| (& (>= hn LINE) (& (== gy ly) (& (>= gx (- lx lw)) (<= gx (+ lx le)))))
                                   (& (>= vn LINE) (& (== gx lx) (& (>= gy (- ly ln)) (<= gy (+ ly ls))))))
                                then "none" else (at lb ci))))
               (range 0 81)))))
  ; One new ball of a random colour on a random empty cell, while there are fewer than CAP.
  (= spawn (--> sb
     (let (= gaps (filter (--> hi (== (at sb hi) "none")) (range 0 81)))
          (if (<= (length gaps) (- 81 CAP)) then sb
              else (let (= gapAt (uniformChoice gaps))
                        (= hue (uniformChoice HUES))
                        (map (--> sj (if (== sj gapAt) then hue else (at sb sj))) (range 0 81)))))))
  (= draw (--> (db ds)
     (map (--> di (Ball (if (== di ds) then (light (at db di)) else (at db di)) (spot di)))
          (filter (--> fi (!= (at db fi) "none")) (range 0 81)))))
  ; Whether a move to index fp makes a line of exactly four (for the change-detection trigger).
  (= makesFour (--> fp (let (= fourRuns (runs (relocate board sel fp) fp)) (| (== (.. fourRuns x) 4) (== (.. fourRuns y) 4)))))
)
