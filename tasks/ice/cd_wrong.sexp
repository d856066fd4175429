; CD wrong program for ice: ice never melts: by day a frozen drop stays lightblue ice and keeps falling straight down.
; The one changed rule is marked 'CHANGED'. Everything else is environments/ice.sexp.
; ice: water and ice under a day/night switch.
;
; Rules (all deterministic):
; - left / right move the three-cell white cloud along row 1 (it stays inside the grid).
; - Clicking a cloud cell adds one drop on the cell just below it (row 2), if that cell is free.
; - Clicking the sun in the top-right corner makes it night (the sun turns into a silver moon);
;   clicking the moon makes it day again.
; - By day every drop is blue water: it falls one cell per tick and, once resting, slides one
;   cell per tick toward the nearest gap in the row below (nextLiquid, ties go right).
; - At night every drop is lightblue ice: it only falls straight down (nextSolid) and never
;   spreads, so ice piles up in columns. When day comes the ice melts back into water and flows.
; Scenery: brown ground on row 15, gray ledges on row 8 (x 2-6) and row 11 (x 10-14).
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  ; The sun (gold) by day, the moon (silver) at night.
  (object Orb (: isNight Bool) (Cell 0 0 (if isNight then "silver" else "gold")))
  ; The cloud: three white cells in a row.
  (object Cloud (list (Cell 0 0 "white") (Cell 1 0 "white") (Cell 2 0 "white")))
  ; One drop: blue water, or lightblue ice once frozen.
  (object Drop (: frozen Bool) (Cell 0 0 (if frozen then "lightblue" else "blue")))
  ; One cell of scenery.
  (object Block (: shade String) (Cell 0 0 shade))

  ; --- state ---------------------------------------------------------------------------
  (: orb Orb)
  (= orb (initnext (Orb false (Position 15 0)) (prev orb)))
  (: cloud Cloud)
  (= cloud (initnext (Cloud (Position 6 1)) (prev cloud)))
  (: drops (List Drop))
  (= drops (initnext (list) (settle (prev drops))))

  ; --- rules ---------------------------------------------------------------------------
  ; Clicking the sun/moon switches between day and night. The drops change in the same tick.
  (on (clicked orb) (= orb (updateObj orb "isNight" (! (.. orb isNight)))))
  ; The arrows move the cloud.
  (on left (= cloud (moveLeftNoCollision cloud)))
  (on right (= cloud (moveRightNoCollision cloud)))
  ; Clicking the cloud rains one drop below the clicked cell (water by day, ice at night).
  ; The drops already present keep moving in that tick.
  (on (& (clicked cloud) (isFreePos (moveDownPos click)))
      (= drops (addObj (settle (prev drops)) (Drop (.. orb isNight) (moveDownPos click)))))

  ; --- physics -------------------------------------------------------------------------
  ; One tick of every drop: at night it freezes and falls like a solid; by day it melts and
  ; flows like a liquid. Occupancy is the previous frame (so a falling column opens gaps).
  ; CHANGED (one rule): was (= settle (--> ds (map (--> dr (if (.. orb isNight)
  (= settle (--> ds (map (--> dr (if (| (.. orb isNight) (.. dr frozen))
                                    then (nextSolid (updateObj dr "frozen" true))
                                    else (nextLiquid (updateObj dr "frozen" false))))
                         ds)))

  ; --- scenery (constants: drawn after every state variable) -------------------------
  (= ground (map (--> gx (Block "brown" (Position gx 15))) (range 0 16)))
  (= ledges (concat (list (map (--> gx (Block "gray" (Position gx 8))) (range 2 7))
                          (map (--> gx (Block "gray" (Position gx 11))) (range 10 15)))))
)
