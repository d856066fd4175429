; pegs: peg solitaire on the cross-shaped 33-hole board.
;
; Rules (all deterministic):
; - The board is the cross of cells with 2 <= x <= 4 or 2 <= y <= 4; empty holes are
;   darkgray. It starts with a blue peg in every hole except those of columns 0, 3 and 6
;   (four vertical stripes of pegs).
; - Clicking a peg selects it (it turns yellow); any earlier selection is dropped. Clicking
;   the selected peg again deselects it.
; - With a peg selected, clicking an empty hole two cells away in a straight line (left,
;   right, up or down) with a peg in between is a jump: the selected peg moves to that hole
;   and the peg jumped over is removed. The peg that jumped stays selected, so it can jump
;   again.
; - With a peg selected, an arrow makes the same jump in that direction if it is legal;
;   an illegal arrow does nothing.
; - Any other click (an illegal hole, a cell off the board) drops the selection.
(program
  (= GRID_SIZE 7)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Hole (Cell 0 0 "darkgray"))
  (object Peg (: sel Bool) (Cell 0 0 (if sel then "yellow" else "blue")))

  ; The board's holes (positions, not drawn).
  (= BOARD (filter (--> q (| (& (>= (.. q x) 2) (<= (.. q x) 4))
                             (& (>= (.. q y) 2) (<= (.. q y) 4))))
                   (rect (Position 0 0) (Position 7 7))))

  ; --- state ---------------------------------------------------------------------------
  ; The holes never change; as a state variable they are drawn under the pegs.
  (: pits (List Hole))
  (= pits (initnext (map Hole BOARD) (prev pits)))
  ; The selected peg's position, meaningful only while hasSel (seen as the yellow peg).
  (: selPos Position)
  (= selPos (initnext (Position 3 3) (prev selPos)))
  (: hasSel Bool)
  (= hasSel (initnext false (prev hasSel)))
  (: pegs (List Peg))
  (= pegs (initnext (map (--> q (Peg false q))
                         (filter (--> q (!= (% (.. q x) 3) 0)) BOARD))
                    (prev pegs)))

  ; --- rules ---------------------------------------------------------------------------
  (on clicked (handle click))
  (on (& left hasSel) (tryJump (Position -1 0)))
  (on (& right hasSel) (tryJump (Position 1 0)))
  (on (& up hasSel) (tryJump (Position 0 -1)))
  (on (& down hasSel) (tryJump (Position 0 1)))

  ; --- helpers -------------------------------------------------------------------------
  (= pegAt (--> q (any (--> pg (== (.. pg origin) q)) pegs)))
  (= onBoard (--> q (& (& (& (>= (.. q x) 0) (< (.. q x) 7)) (& (>= (.. q y) 0) (< (.. q y) 7)))
                       (| (& (>= (.. q x) 2) (<= (.. q x) 4))
                          (& (>= (.. q y) 2) (<= (.. q y) 4))))))
  (= twice (--> dv (Position (* 2 (.. dv x)) (* 2 (.. dv y)))))
  ; Is the jump of the selected peg by unit vector dv legal?
  (= legal (--> dv (& (pegAt (movePos selPos dv))
                      (& (onBoard (movePos selPos (twice dv)))
                         (! (pegAt (movePos selPos (twice dv))))))))
  ; Jump the selected peg by unit vector dv (assumed legal); it stays selected.
  (= jump (--> dv (let (= over (movePos selPos dv))
                       (= land (movePos selPos (twice dv)))
                       (= pegs (map (--> pg (if (== (.. pg origin) selPos) then (Peg true land) else pg))
                                    (filter (--> pg (!= (.. pg origin) over)) pegs)))
                       (= selPos land)
                       true)))
  (= tryJump (--> dv (if (legal dv) then (jump dv) else true)))
  (= select (--> q (let (= pegs (map (--> pg (updateObj pg "sel" (== (.. pg origin) q))) pegs))
                        (= selPos q)
                        (= hasSel true)
                        true)))
  (= deselect (--> () (let (= pegs (map (--> pg (updateObj pg "sel" false)) pegs))
                           (= hasSel false)
                           true)))
  ; The unit vector from the selected peg to q if q is two cells away in a line, else (0,0).
  (= lineStep (--> q (let (= ddx (- (.. q x) (.. selPos x)))
                          (= ddy (- (.. q y) (.. selPos y)))
                          (if (| (& (== (abs ddx) 2) (== ddy 0)) (& (== ddx 0) (== (abs ddy) 2)))
                              then (Position (/ ddx 2) (/ ddy 2))
                              else (Position 0 0)))))
  (= isTarget (--> q (& hasSel (let (= dv (lineStep q))
                                    (& (!= dv (Position 0 0)) (legal dv))))))
  (= handle (--> q (if (isTarget q) then (jump (lineStep q))
                   else (if (& (pegAt q) (! (& hasSel (== q selPos)))) then (select q)
                   else ((deselect))))))
)
