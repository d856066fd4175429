; sokoban: push the boxes onto the targets in a walled room.
;
; Rules (all deterministic):
; - The arrows move the blue player one cell. It cannot enter a gray wall.
; - Moving into a box pushes it one cell the same way, and the player follows, but only if the
;   cell beyond the box is neither a wall nor another box; otherwise nothing moves (only one
;   box is ever pushed at a time).
; - A box is orange; while it stands on a red target it is green (the target is hidden under
;   it and shows again when the box leaves).
; - When every box stands on a target the level is solved: the player turns gold and the
;   arrows no longer move it.
; - Clicking the purple reset button (top-right corner) puts the player and every box back
;   where they started (and un-solves the level). Clicks anywhere else do nothing.
;
; Map (A wall, P reset button, B player, O box, R target):
;      0123456789
;   0  AAAAAAAAAP
;   1  A........A
;   2  A..O.....A
;   3  A.....A.RA
;   4  A.BO..A..A
;   5  A..AAA...A
;   6  A.....O..A
;   7  A.R....R.A
;   8  A........A
;   9  AAAAAAAAAA
(program
  (= GRID_SIZE 10)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Wall (Cell 0 0 "gray"))
  (object Target (Cell 0 0 "red"))
  (object Box (: home Bool) (Cell 0 0 (if home then "green" else "orange")))
  (object Player (: solved Bool) (Cell 0 0 (if solved then "gold" else "blue")))
  (object ResetButton (Cell 0 0 "purple"))

  ; --- the level -----------------------------------------------------------------------
  (= WALLS (concat (list (map (--> wx (Position wx 0)) (range 0 9))
                         (map (--> wx (Position wx 9)) (range 0 10))
                         (map (--> wy (Position 0 wy)) (range 1 9))
                         (map (--> wy (Position 9 wy)) (range 1 9))
                         (list (Position 6 3) (Position 6 4)
                               (Position 3 5) (Position 4 5) (Position 5 5)))))
  (= TARGETS (list (Position 8 3) (Position 2 7) (Position 7 7)))
  (= BOX_START (list (Position 3 2) (Position 3 4) (Position 6 6)))
  (= PLAYER_START (Position 2 4))

  ; --- state ---------------------------------------------------------------------------
  ; Targets are a state variable so that boxes (declared later) are drawn over them.
  (: targets (List Target))
  (= targets (initnext (map (--> tp (Target tp)) TARGETS) (prev targets)))
  (: boxes (List Box))
  (= boxes (initnext (map (--> bp (Box false bp)) BOX_START) (prev boxes)))
  (: player Player)
  (= player (initnext (Player false PLAYER_START) (prev player)))

  ; --- rules ---------------------------------------------------------------------------
  (on (& left (! (.. player solved))) (act -1 0))
  (on (& right (! (.. player solved))) (act 1 0))
  (on (& up (! (.. player solved))) (act 0 -1))
  (on (& down (! (.. player solved))) (act 0 1))
  ; Solved as soon as no box is off its target.
  (on (& (! (.. player solved)) (! (any (--> bx (! (.. bx home))) boxes)))
      (= player (updateObj player "solved" true)))
  ; The reset button restores the level.
  (on (clicked resetButton)
      (let (= boxes (map (--> bp (Box false bp)) BOX_START))
           (= player (Player false PLAYER_START))
           true))

  ; --- helpers -------------------------------------------------------------------------
  (= isWall (--> q (in q WALLS)))
  (= isBox (--> q (any (--> bx (== (.. bx origin) q)) boxes)))
  ; Whether the player can push a box by (dx, dy) now: a box ahead, and the cell beyond it
  ; free of walls and boxes.
  (= canPush (--> (dx dy)
    (let (= ahead (movePos (.. player origin) (Position dx dy)))
         (= beyond (movePos ahead (Position dx dy)))
         (& (isBox ahead) (! (| (isWall beyond) (isBox beyond)))))))
  ; One arrow press: walk into a free cell, or push the box ahead, or stay.
  (= act (--> (dx dy)
    (let (= ahead (movePos (.. player origin) (Position dx dy)))
         (= beyond (movePos ahead (Position dx dy)))
         (if (isWall ahead)
             then false
             else (if (isBox ahead)
                      then (if (| (isWall beyond) (isBox beyond))
                               then false
                               else (let (= boxes (map (--> bx (if (== (.. bx origin) ahead)
                                                                   then (place bx beyond)
                                                                   else bx))
                                                       boxes))
                                         (= player (updateObj player "origin" ahead))
                                         true))
                      else (let (= player (updateObj player "origin" ahead)) true))))))
  ; A box moved to q: green on a target.
  (= place (--> (bx q) (updateObj (updateObj bx "origin" q) "home" (in q TARGETS))))

  ; --- scenery -------------------------------------------------------------------------
  (= walls (map (--> wp (Wall wp)) WALLS))
  (= resetButton (ResetButton (Position 9 0)))
)
