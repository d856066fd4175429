; CD wrong program for crystal: clicking a crystal breaks off only the clicked grain instead of shattering the whole crystal.
; The one changed rule is marked 'CHANGED'. Everything else is environments/crystal.sexp.
; crystal: seed crystals with clicks and watch them grow at random; the arrows set the colour of
; new growth and a hidden temperature.
;
; Rules:
; - A crystal is a group of coloured grains. It starts as one white seed grain in the middle.
; - Each tick, each crystal with fewer than 12 grains may grow: with a chance that depends on
;   the temperature it picks one of its grains at random and attaches a new grain, in the
;   current growth colour, at a random free 4-neighbour of that grain (inside the grid, free
;   in the last frame). A grain with no free neighbour adds nothing. Two crystals may claim
;   the same cell in one tick; the later crystal is drawn on top.
; - The temperature is never drawn. It starts at 1; up warms it and down cools it, within
;   0..3. The chance of growth per tick is 3/4 at 0, 1/2 at 1, 1/4 at 2 and none at 3.
; - Right / left step the growth colour forward / backward through white -> cyan ->
;   lightblue -> mediumpurple -> pink -> white. Grains keep the colour they were born with.
; - Clicking a free cell plants a new one-grain crystal there in the growth colour. There are
;   at most 6 crystals: a seventh seed melts the oldest crystal away.
; - Clicking a crystal shatters it: the whole crystal disappears.
; - In the tick of a click no crystal grows.
; Stochastic: per growing crystal and tick one draw for the chance, and on success one for the
; grain and one for the free neighbour.
(program
  (= GRID_SIZE 20)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Grain (: tint String) (Cell 0 0 tint))
  ; A crystal draws its grains (at their own positions; the crystal's origin is (0,0)).
  (object Crystal (: grains (List Grain))
    (map (--> g (Cell (.. (.. g origin) x) (.. (.. g origin) y) (.. g tint))) grains))

  (= HUES (list "white" "cyan" "lightblue" "mediumpurple" "pink"))
  (= CAP 12)

  ; --- state ---------------------------------------------------------------------------
  ; Index of the growth colour in HUES (not drawn).
  (: hueIndex Number)
  (= hueIndex (initnext 0 (prev hueIndex)))
  ; The temperature, 0..3 (not drawn).
  (: temp Number)
  (= temp (initnext 1 (prev temp)))
  (: crystals (List Crystal))
  (= crystals (initnext (list (seed (Position 10 10)))
                        (map grow (prev crystals))))

  ; --- rules ---------------------------------------------------------------------------
  (on right (= hueIndex (% (+ hueIndex 1) 5)))
  (on left (= hueIndex (% (+ hueIndex 4) 5)))
  (on up (= temp (min 3 (+ temp 1))))
  (on down (= temp (max 0 (- temp 1))))
  ; A click on a crystal shatters it.
  ; CHANGED (one rule): was (on (clicked crystals)
  ;                            (= crystals (filter (--> cr (! (clicked cr))) crystals)))
  (on (clicked crystals)
      (= crystals (filter (--> cr (> (length (.. cr grains)) 0))
                          (map (--> cr (if (clicked cr)
                                           then (Crystal (filter (--> gn (! (clicked gn))) (.. cr grains))
                                                         (Position 0 0))
                                           else cr))
                               crystals))))
  ; A click on a free cell plants a seed (the oldest crystal melts if there are 6).
  (on (& ((clicked)) (isFreePos click))
      (= crystals (addObj (if (< (length crystals) 6) then crystals else (removeObj crystals (head crystals)))
                          (seed click))))

  ; --- helpers -------------------------------------------------------------------------
  (= seed (--> q (Crystal (list (Grain (at HUES hueIndex) q)) (Position 0 0))))
  ; One tick of a crystal: maybe attach a grain next to a random grain of it.
  (= grow (--> cr (if (& (< (length (.. cr grains)) CAP)
                         (< (uniformChoice (list 0 1 2 3)) (- 3 temp)))
                      then (attach cr (uniformChoice (.. cr grains)))
                      else cr)))
  (= attach (--> (cr gr)
    (let (= spots (filter isFreePos (adjPositions (.. gr origin))))
         (if (== (length spots) 0)
             then cr
             else (Crystal (addObj (.. cr grains) (Grain (at HUES hueIndex) (uniformChoice spots)))
                           (Position 0 0))))))
)
