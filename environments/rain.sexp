; rain: random rain blown by a wind you set but cannot see; puddles and roofs.
;
; Rules:
; - Stochastic: every tick, `intensity` new blue drops (hidden, 1 at first) appear on row 0 at
;   random columns (one draw of 0..15 each). At the start a shower is already falling: one
;   drop on each of rows 0-13.
; - Each tick every drop moves one cell down and `wind` cells sideways (wind is hidden: 0 at
;   first). A drop that would leave the grid at the sides, or move onto a roof, vanishes.
; - left sets the wind to -1 (blowing left), right to 1, down calms it to 0. up raises the
;   intensity by one, from 3 back to 0 (no rain), then 1 again.
; - A drop that reaches the ground (row 15) vanishes and wets that ground cell: it turns blue
;   for 6 ticks (counting from the landing, which also restarts a wet cell), then brown again.
; - Clicking a free cell in rows 2-14 builds a gray roof cell there; clicking a roof removes it.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Drop (Cell 0 0 "blue"))
  (object Roof (Cell 0 0 "gray"))
  (object Soil (: wet Number) (Cell 0 0 (if (> wet 0) then "blue" else "brown")))

  (= COLUMNS (range 0 16))
  ; The shower already falling at the start: one drop on each of rows 0-13, in these columns.
  (= SHOWER (list 4 3 11 7 14 1 9 5 12 2 10 6 13 8))

  ; --- state ---------------------------------------------------------------------------
  ; Sideways drift per tick (hidden): -1, 0 or 1.
  (: wind Number)
  (= wind (initnext 0 (prev wind)))
  ; New drops per tick (hidden): 0..3.
  (: intensity Number)
  (= intensity (initnext 1 (prev intensity)))
  (: roofs (List Roof))
  (= roofs (initnext (list) (prev roofs)))
  ; Columns where drops reach the ground in this tick (hidden).
  (: splashes (List Number))
  (= splashes (initnext (list) (landings (prev drops))))
  ; The ground: wet cells count down.
  (: soil (List Soil))
  (= soil (initnext (map (--> sx (Soil 0 (Position sx 15))) COLUMNS)
                    (soak (prev soil) splashes)))
  (: drops (List Drop))
  (= drops (initnext (map (--> iy (Drop (Position (at SHOWER iy) iy))) (range 0 14))
                     (spawn (blow (prev drops)))))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= wind -1))
  (on right (= wind 1))
  (on down (= wind 0))
  (on up (= intensity (% (+ intensity 1) 4)))
  (on (clicked roofs) (= roofs (removeObj roofs (--> rr (clicked rr)))))
  (on (& ((clicked)) (& (isFreePos click) (& (> (.. click y) 1) (< (.. click y) 15))))
      (= roofs (addObj roofs (Roof click))))

  ; --- helpers -------------------------------------------------------------------------
  ; Where a drop lands on the ground this tick (a list of 0 or 1 column), with wind `lw`.
  (= lands (--> (ld lw) (let (= lx (+ (.. (.. ld origin) x) lw))
                             (& (== (.. (.. ld origin) y) 14) (& (>= lx 0) (< lx 16))))))
  (= landings (--> ls (map (--> ln (+ (.. (.. ln origin) x) wind))
                           (filter (--> lf (lands lf wind)) ls))))
  (= soak (--> (ss xs) (map (--> sc (if (in (.. (.. sc origin) x) xs)
                                        then (updateObj sc "wet" 6)
                                        else (if (> (.. sc wet) 0)
                                                 then (updateObj sc "wet" (- (.. sc wet) 1))
                                                 else sc)))
                            ss)))
  (= blown (--> bd (move bd (Position wind 1))))
  ; A moved drop stays if it is inside the grid above the ground and not on a roof.
  (= stays (--> sd (let (= so (.. sd origin))
                        (& (& (>= (.. so x) 0) (< (.. so x) 16))
                           (& (< (.. so y) 15)
                              (| (isFreePos so) (! (any (--> sr (== (.. sr origin) so)) (prev roofs)))))))))
  (= blow (--> bs (filter stays (map blown bs))))
  (= spawn (--> ns (if (> intensity 0)
                       then (addObj ns (map (--> nx (Drop (Position nx 0))) (uniformChoice COLUMNS intensity)))
                       else ns)))
)
