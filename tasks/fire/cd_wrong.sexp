; CD wrong program for fire: a clicked tree turns straight to ash instead of catching fire.
; The one changed rule is marked 'CHANGED'. Everything else is environments/fire.sexp.
; fire: a forest fire that you light with clicks and steer with a hidden wind; trees regrow.
;
; Rules:
; - Green trees, orange fire, gray ash; the three never share a cell. Trees start in two groves.
; - Clicking a tree sets it alight: it becomes fire in that tick.
; - Each tick every fire burns out into ash, and sets alight each tree on its in-grid
;   4-neighbours except the one upwind (the neighbour opposite to the wind direction). With no
;   wind, all four neighbours catch. Ash lasts one tick, then the cell is bare.
; - The wind starts calm. An arrow sets it to blow in the arrow's direction (right blows
;   toward higher x). The wind is not drawn: it is seen only in how fire spreads.
; - Each tick one random cell is drawn (randomPositions: x then y); if it was bare in the last
;   frame and there are fewer than 24 trees, a tree grows there.
; Stochastic: two draws per tick.
(program
  (= GRID_SIZE 20)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Tree (Cell 0 0 "green"))
  (object Flame (Cell 0 0 "orange"))
  (object Ash (Cell 0 0 "gray"))

  (= MOST 24)

  ; --- state ---------------------------------------------------------------------------
  ; The wind as a unit vector, (0, 0) when calm (not drawn).
  (: wind Position)
  (= wind (initnext (Position 0 0) (prev wind)))
  (: ash (List Ash))
  (= ash (initnext (list) (map (--> af (Ash (.. af origin))) (prev flames))))
  (: flames (List Flame))
  (= flames (initnext (list) (map (--> sp (Flame sp)) (catching (prev flames)))))
  (: trees (List Tree))
  (= trees (initnext ((grove))
                     (regrow (filter (--> t (! (in (.. t origin) (spotsOf flames)))) (prev trees)))))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= wind (Position -1 0)))
  (on right (= wind (Position 1 0)))
  (on up (= wind (Position 0 -1)))
  (on down (= wind (Position 0 1)))
  ; Clicking a tree: it burns from this tick (with the spreading fire).
  ; CHANGED (one rule): was (let (= flames (addObj ... (Flame (.. ct origin)) ...)) (= trees ...))
  (on (clicked trees)
      (let (= ash (addObj (map (--> af (Ash (.. af origin))) (prev flames))
                          (map (--> ct (Ash (.. ct origin))) (filter (--> ct (clicked ct)) trees))))
           (= trees (regrow (filter (--> t (! (in (.. t origin) (spotsOf ash)))) (prev trees))))
           true))

  ; --- helpers -------------------------------------------------------------------------
  (= spotsOf (--> so (map (--> sa (.. sa origin)) so)))
  (= grove (--> ()
     (map (--> gp (Tree gp))
          (concat (list (rect (Position 4 4) (Position 7 7))
                        (rect (Position 11 12) (Position 14 14)))))))
  ; Cells set alight this tick by the fires fs: tree cells (in the last frame) next to a fire,
  ; except upwind.
  (= catching (--> fs
     (let (= firesAt (spotsOf fs))
          (= treesAt (spotsOf (prev trees)))
          (foldl (--> (acc f)
                   (concat (list acc
                     (filter (--> np (& (in np treesAt) (& (! (in np acc)) (! (upwind f np)))))
                             (adjPositions (.. f origin))))))
                 (list) fs))))
  (= upwind (--> (uf up2)
     (& (== (- (.. up2 x) (.. (.. uf origin) x)) (- 0 (.. wind x)))
        (& (== (- (.. up2 y) (.. (.. uf origin) y)) (- 0 (.. wind y)))
           (!= wind (Position 0 0))))))
  (= regrow (--> ts
     (let (= seedAt (head (randomPositions GRID_SIZE 1)))
          (if (& (isFreePos seedAt) (< (length ts) MOST)) then (addObj ts (Tree seedAt)) else ts))))
)
