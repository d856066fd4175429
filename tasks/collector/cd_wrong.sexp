; CD wrong program for collector: the vault door opens at two pips instead of three.
; The one changed rule is marked 'CHANGED'. Everything else is environments/collector.sexp.
; collector: walk a maze with the arrows, pick up coins, open the vault.
;
; Rules (all deterministic):
; - The arrows move the blue agent one cell. It cannot enter a cell that held a wall, the
;   door or the guard in the last frame; coins do not block it.
; - Stepping onto a gold coin collects it: the coin vanishes and the score bar on row 0 grows
;   by one gold cell (from the left).
; - When the score reaches 3 the brown vault door (x 3, row 12) disappears, opening the vault
;   with the last coin.
; - The red guard patrols row 6 of the two-row corridor, one cell per tick. It turns around
;   (spending that tick) when the next cell is a wall or the agent; it never harms the agent,
;   which can always walk past it on row 7.
;
; Map (row 0 is the score bar; # wall, D door, c coin, A agent, G guard):
;      0123456789012345
;   1  ################
;   2  #......#.......#
;   3  #.A..c.#....c..#
;   4  #......#.......#
;   5  ###.#######.####
;   6  #............G.#
;   7  #..............#
;   8  ####.######.####
;   9  #......#.......#
;  10  #.c....#.......#
;  11  #......#.......#
;  12  ###D####....c..#
;  13  #......#.......#
;  14  #....c.#.......#
;  15  ################
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Agent (Cell 0 0 "blue"))
  (object Guard (: heading Number) (Cell 0 0 "red"))
  (object Coin (Cell 0 0 "gold"))
  (object Pip (Cell 0 0 "gold"))
  (object Door (Cell 0 0 "brown"))
  (object Wall (Cell 0 0 "gray"))

  ; --- state ---------------------------------------------------------------------------
  ; Coins left in the maze; a coin under the agent is collected.
  (: coins (List Coin))
  (= coins (initnext (list (Coin (Position 5 3)) (Coin (Position 12 3)) (Coin (Position 2 10))
                           (Coin (Position 12 12)) (Coin (Position 5 14)))
                     (removeObj (prev coins) (--> cn (intersects cn agent)))))
  ; The score bar: one gold pip per collected coin, left to right on row 0.
  (: pips (List Pip))
  (= pips (initnext (list)
                    (if (< (length coins) (length (prev coins)))
                        then (addObj (prev pips) (Pip (Position (length (prev pips)) 0)))
                        else (prev pips))))
  ; The vault door, gone for good once the score is 3.
  (: door (List Door))
  (= door (initnext (list (Door (Position 3 12)))
                    ; CHANGED (one rule): was (if (>= (length pips) 3) then (list) else (prev door))))
                    (if (>= (length pips) 2) then (list) else (prev door))))
  (: agent Agent)
  (= agent (initnext (Agent (Position 2 3)) (prev agent)))
  (: guard Guard)
  (= guard (initnext (Guard 1 (Position 13 6)) (patrol (prev guard))))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= agent (walk -1 0)))
  (on right (= agent (walk 1 0)))
  (on up (= agent (walk 0 -1)))
  (on down (= agent (walk 0 1)))

  ; --- helpers -------------------------------------------------------------------------
  ; One step of the agent by (dx, dy), unless the destination was occupied in the last frame
  ; by anything but a coin.
  (= walk (--> (dx dy) (let (= dest (move agent (Position dx dy)))
                            (if (isFreePosExceptObj (.. dest origin) coins) then dest else agent))))
  ; One tick of the guard: step along its heading, or turn around if a wall or the agent
  ; (where it is now, after this tick's arrow) is in the way.
  (= patrol (--> g (let (= ahead (move g (Position (.. g heading) 0)))
                        (if (| (intersects ahead walls) (intersects ahead agent))
                            then (updateObj g "heading" (- 0 (.. g heading)))
                            else ahead))))

  ; --- scenery -------------------------------------------------------------------------
  (= row (--> (x0 x1 wy) (map (--> wx (Wall (Position wx wy))) (range x0 x1))))
  (= column (--> (wx y0 y1) (map (--> wy (Wall (Position wx wy))) (range y0 y1))))
  (= walls (concat (list (row 0 16 1) (row 0 16 15) (column 0 2 15) (column 15 2 15)
                         (column 7 2 5) (column 7 9 15)
                         (row 1 3 5) (row 4 11 5) (row 12 15 5)
                         (row 1 4 8) (row 5 11 8) (row 12 15 8)
                         (row 1 3 12) (row 4 7 12))))
)
