; CD wrong program for gravity: the green button makes blocks slide two cells at a time to the left.
; The one changed rule is marked 'CHANGED'. Everything else is environments/gravity.sexp.
; gravity: blocks that fall in a direction you choose with four edge buttons.
;
; Rules (all deterministic):
; - Each tick every yellow block moves one cell in the gravity direction if that cell is inside
;   the grid and was free in the last frame; otherwise it stays. (So a falling column opens
;   gaps, and blocks pile up against the edges, the buttons and each other.)
; - Clicking a free cell spawns a block there. In that tick the other blocks do not move.
; - Clicking a button sets the gravity direction toward the button's edge: orange (top) up,
;   blue (bottom) down, green (left) left, purple (right) right. Blocks turn in the same tick.
; - Gravity starts downward. The direction is not drawn: it is seen through the blocks.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Block (Cell 0 0 "yellow"))
  ; Two-cell buttons: along a row (top and bottom edges) or along a column (left and right).
  (object RowButton (: shade String) (list (Cell 0 0 shade) (Cell 1 0 shade)))
  (object ColumnButton (: shade String) (list (Cell 0 0 shade) (Cell 0 1 shade)))

  (= upButton (RowButton "orange" (Position 7 0)))
  (= downButton (RowButton "blue" (Position 7 15)))
  (= leftButton (ColumnButton "green" (Position 0 7)))
  (= rightButton (ColumnButton "purple" (Position 15 7)))

  ; --- state ---------------------------------------------------------------------------
  ; The gravity direction as a unit vector (not drawn).
  (: gravity Position)
  (= gravity (initnext (Position 0 1) (prev gravity)))
  (: blocks (List Block))
  (= blocks (initnext (list (Block (Position 3 4)) (Block (Position 12 2)) (Block (Position 12 5)))
                      (map fall (prev blocks))))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked upButton) (= gravity (Position 0 -1)))
  (on (clicked downButton) (= gravity (Position 0 1)))
  ; CHANGED (one rule): was (on (clicked leftButton) (= gravity (Position -1 0)))
  (on (clicked leftButton) (= gravity (Position -2 0)))
  (on (clicked rightButton) (= gravity (Position 1 0)))
  ; Spawning assigns `blocks`, so its next-expression (the fall) is skipped in that tick:
  ; no other block can slide into the new block's cell at the same time.
  (on (& ((clicked)) (isFreePos click)) (= blocks (addObj blocks (Block click))))

  ; --- helpers -------------------------------------------------------------------------
  ; One step of a block along the gravity direction, if the cell is in the grid and was free.
  (= fall (--> b (let (= moved (move b gravity))
                      (if (& (isWithinBounds moved) (isFree moved)) then moved else b))))
)
