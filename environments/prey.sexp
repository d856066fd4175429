; prey: rabbits hop at random and breed on grass; foxes stalk the nearest rabbit and eat it.
;
; Rules:
; - Green grass, white rabbits, orange foxes. Foxes are drawn over rabbits, rabbits over grass.
; - Each tick, first any rabbit standing on a fox's cell (in the last frame) is eaten. Then each
;   other rabbit draws one of its in-grid 4-neighbours at random (uniformChoice; left, right,
;   up, down) and hops there if that cell was empty or grass in the last frame; otherwise it
;   stays.
; - A rabbit that hops onto grass leaves a newborn rabbit on the cell it came from, while there
;   are fewer than 12 animals (rabbits and foxes together).
; - Grass that had a rabbit on it in the last frame is eaten (disappears).
; - Foxes move every second tick (ticks 1, 3, 5, ...): each steps one cell toward the nearest
;   rabbit of the last frame (horizontally first on a diagonal; ties go to the rabbit later in
;   the list). With no rabbits they wait.
; - Clicking an empty cell plants grass there (at most 24 grass cells). Clicking grass puts a
;   rabbit there instead, while there are fewer than 12 animals. Other clicks and the arrows
;   do nothing. A click does not pause the animals.
; Stochastic: one draw per hopping rabbit per tick.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Grass (Cell 0 0 "green"))
  ; from: the cell the rabbit was on in the last frame; fed: it hopped onto grass this tick.
  (object Rabbit (: from Position) (: fed Bool) (Cell 0 0 "white"))
  (object Fox (Cell 0 0 "orange"))

  (= MOST 12)
  (= LAWN 24)

  ; --- state ---------------------------------------------------------------------------
  (: grass (List Grass))
  (= grass (initnext (map (--> gp (Grass gp))
                          (list (Position 3 3) (Position 4 3) (Position 3 4) (Position 11 4)
                                (Position 12 4) (Position 7 8) (Position 8 8) (Position 8 9)
                                (Position 3 12) (Position 12 12) (Position 13 12)))
                     (grazed (prev grass))))
  ; The fox clock: foxes move in the ticks where it turns 1 (not drawn).
  (: clock Number)
  (= clock (initnext 0 (- 1 (prev clock))))
  (: rabbits (List Rabbit))
  (= rabbits (initnext (list (Rabbit (Position 5 5) false (Position 5 5))
                             (Rabbit (Position 10 6) false (Position 10 6))
                             (Rabbit (Position 6 11) false (Position 6 11)))
                       (hop (prev rabbits))))
  (: foxes (List Fox))
  (= foxes (initnext (list (Fox (Position 0 0)) (Fox (Position 15 15)))
                     (if (== clock 1) then (map chase (prev foxes)) else (prev foxes))))

  ; --- rules ---------------------------------------------------------------------------
  ; Clicking grass: a rabbit takes its place (the animals still move).
  (on (& (clicked grass) (< (+ (length rabbits) (length foxes)) MOST))
      (let (= grass (removeObj (grazed (prev grass)) (--> cg (clicked cg))))
           (= rabbits (addObj (hop (prev rabbits)) (Rabbit click false click)))
           true))
  ; Clicking an empty cell plants grass.
  (on (& ((clicked)) (& (isFreePos click) (< (length grass) LAWN)))
      (= grass (addObj (grazed (prev grass)) (Grass click))))

  ; --- helpers -------------------------------------------------------------------------
  (= spotsOf (--> so (map (--> sa (.. sa origin)) so)))
  (= grassAt (--> gq (in gq (spotsOf grass))))
  ; Grass without the cells rabbits stood on in the last frame.
  (= grazed (--> gs (let (= fed (spotsOf (prev rabbits)))
                         (filter (--> g (! (in (.. g origin) fed))) gs))))
  ; One tick of the rabbits: eaten ones go, the others hop, fed ones leave a newborn.
  (= hop (--> rs
     (let (= foxAt (spotsOf (prev foxes)))
          (= hopped (map jump (filter (--> r (! (in (.. r origin) foxAt))) rs)))
          (foldl (--> (acc nb) (if (< (+ (length acc) (length foxes)) MOST)
                                   then (addObj acc (Rabbit nb false nb)) else acc))
                 hopped
                 (map (--> fr2 (.. fr2 from)) (filter (--> fr3 (.. fr3 fed)) hopped))))))
  (= jump (--> r
     (let (= to (uniformChoice (adjPositions (.. r origin))))
          (if (| (isFreePos to) (grassAt to))
              then (Rabbit (.. r origin) (grassAt to) to)
              else (Rabbit (.. r origin) false (.. r origin))))))
  (= chase (--> f (move f (unitVector f (closest f (prev rabbits))))))
)
