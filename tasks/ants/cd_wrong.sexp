; CD wrong program for ants: the nest hatches its ants one cell to the right of its exit.
; The one changed rule is marked 'CHANGED'. Everything else is environments/ants.sexp.
; ants: ants forage for food that clicks scatter at random.
;
; Rules:
; - Clicking anywhere except the nest drops two green crumbs of food at random cells
;   (randomPositions: x then y for each crumb). Stochastic: four draws per click.
; - Each tick every red ant takes one step toward its closest crumb (squared distance; ties go
;   to the crumb dropped later), moving horizontally first when the crumb is diagonal
;   (unitVector). With no food, ants stay where they are.
; - Ants never share a cell: an ant does not step onto a cell where an ant was in the last
;   frame or where an ant earlier in the list has just stepped; it waits instead.
; - An ant standing on a crumb eats it: the crumb disappears on the next tick.
; - Clicking the brown nest (2x2, bottom centre) hatches a new ant on the cell above the nest,
;   if that cell was free. In that tick the other ants do not move.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Ant (Cell 0 0 "red"))
  (object Food (Cell 0 0 "green"))
  (object Nest (list (Cell 0 0 "brown") (Cell 1 0 "brown") (Cell 0 1 "brown") (Cell 1 1 "brown")))

  ; --- state (the nest first, so ants and food are drawn over it) ---------------------
  (: nest Nest)
  (= nest (initnext (Nest (Position 7 14)) (prev nest)))
  ; Food: crumbs under an ant (where the ants were at the start of the tick) are eaten.
  (: foods (List Food))
  (= foods (initnext (list) (uneaten (prev foods))))
  (: ants (List Ant))
  (= ants (initnext (list (Ant (Position 2 2)) (Ant (Position 13 3)) (Ant (Position 4 11)))
                    (foldl march (list) (prev ants))))

  ; --- rules ---------------------------------------------------------------------------
  ; Clicking the nest hatches an ant above it.
  (on (& (clicked nest) (isFreePos (Position 7 13)))
      ; CHANGED (one rule): was (= ants (addObj ants (Ant (Position 7 13)))))
      (= ants (addObj ants (Ant (Position 8 13)))))
  ; Clicking elsewhere drops two crumbs at random cells (eating goes on in that tick).
  (on (& ((clicked)) (! (clicked nest)))
      (= foods (addObj (uneaten (prev foods))
                       (map (--> p (Food p)) (randomPositions GRID_SIZE 2)))))

  ; --- helpers -------------------------------------------------------------------------
  (= uneaten (--> fs (removeObj fs (--> f (intersects f ants)))))
  ; Move the ants one by one; `moved` holds the ants already placed this tick.
  (= march (--> (moved a)
     (let (= target (move a (unitVector a (closest a foods))))
          (addObj moved (if (| (intersects target moved) (intersects target (prev ants)))
                            then a
                            else target)))))
)
