; CD wrong program for invaders: right moves the ship two cells (and not at all from x 14).
; The one changed rule is marked 'CHANGED'. Everything else is environments/invaders.sexp.
; invaders: a space-invaders wave that marches, descends and bombs the ship at random.
;
; Rules:
; - left / right move the green ship one cell along row 14, inside the grid.
; - A click anywhere, or up, fires a yellow bullet from the cell above the ship (row 13). Bullets
;   fly up one cell per tick and vanish after row 0.
; - The red invaders (5 columns x 3 rows, on every other cell) march as a block: every second
;   tick (a hidden clock) the block shifts one cell in the hidden marching direction (right at
;   first); if some invader is already at the edge in that direction, the block steps one
;   row down instead and the direction turns around. Bullets and bombs are drawn over
;   invaders.
; - A bullet destroys an invader, and vanishes, when at the start of a tick the invader is on
;   the bullet's cell or on the cell just above it.
; - Stochastic: every tick one draw of 0..3; on 0 (and if invaders remain) a second draw picks
;   an invader, which drops an orange bomb on the cell below it. Bombs fall one cell per tick
;   and vanish after row 14.
; - A bomb on the ship's cell, or just above it, at the start of a tick hits the ship: the bomb
;   vanishes and one of the green shield cells on row 15 goes out. When the last one goes
;   out, the shields come back (3) and a new wave starts.
; - A new wave (the initial block, same marching direction) also starts when every invader is
;   destroyed or when an invader reaches row 12.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Ship (Cell 0 0 "green"))
  (object Invader (Cell 0 0 "red"))
  (object Bullet (Cell 0 0 "yellow"))
  (object Bomb (Cell 0 0 "orange"))
  (object Shield (Cell 0 0 "green"))

  (= wave (--> () (concat (map (--> wy (map (--> wx (Invader (Position wx wy))) (list 1 3 5 7 9)))
                               (list 1 3 5)))))

  ; --- state ---------------------------------------------------------------------------
  ; The march clock (hidden): the block moves on ticks where it was 0.
  (: clock Number)
  (= clock (initnext 0 (- 1 (prev clock))))
  ; The marching direction, 1 or -1 (hidden).
  (: march Number)
  (= march (initnext 1 (if (& (== (prev clock) 0) (atEdge (prev invaders)))
                           then (- 0 (prev march)) else (prev march))))
  ; Whether a bomb hits the ship in this tick.
  (: struck Bool)
  (= struck (initnext false (any (--> sb (hitsShip sb)) (prev bombs))))
  (: lives Number)
  (= lives (initnext 3 (if struck then (if (== (prev lives) 1) then 3 else (- (prev lives) 1))
                                  else (prev lives))))
  (: shields (List Shield))
  (= shields (initnext (list (Shield (Position 0 15)) (Shield (Position 1 15)) (Shield (Position 2 15)))
                       (if (== lives (length (prev shields)))
                           then (prev shields)
                           else (map (--> si (Shield (Position si 15))) (range 0 lives)))))
  (: ship Ship)
  (= ship (initnext (Ship (Position 7 14)) (prev ship)))
  (: invaders (List Invader))
  (= invaders (initnext ((wave)) (advance (prev invaders))))
  (: bullets (List Bullet))
  (= bullets (initnext (list) (climb (prev bullets))))
  (: bombs (List Bomb))
  (= bombs (initnext (list) (drop (prev bombs))))

  ; --- rules ---------------------------------------------------------------------------
  (on (& left (> (.. (.. ship origin) x) 0)) (= ship (moveLeft ship)))
  ; CHANGED (one rule): was (on (& right (< (.. (.. ship origin) x) 15)) (= ship (moveRight ship)))
  (on (& right (< (.. (.. ship origin) x) 14)) (= ship (move ship (Position 2 0))))
  (on (| ((clicked)) up)
      (= bullets (addObj (climb (prev bullets))
                         (Bullet (Position (.. (.. ship origin) x) 13)))))

  ; --- helpers -------------------------------------------------------------------------
  (= atEdge (--> es (any (--> ee (| (& (== (prev march) 1) (== (.. (.. ee origin) x) 15))
                                    (& (== (prev march) -1) (== (.. (.. ee origin) x) 0))))
                         es)))
  (= hitBy (--> (hb hi) (| (== (.. hb origin) (.. hi origin))
                           (== (moveUpPos (.. hb origin)) (.. hi origin)))))
  (= unhit (--> ui (! (any (--> ub (hitBy ub ui)) (prev bullets)))))
  (= hitsShip (--> hs (| (== (.. hs origin) (.. (prev ship) origin))
                         (== (moveDownPos (.. hs origin)) (.. (prev ship) origin)))))
  ; One tick of the invaders: hits, then the march (on clock 0), or a new wave.
  (= advance (--> ps (let (= alive (filter unhit ps))
                          (if (| (== (length alive) 0)
                                 (| (& struck (== (prev lives) 1))
                                    (any (--> li (>= (.. (.. li origin) y) 12)) alive)))
                              then ((wave))
                              else (if (== (prev clock) 1)
                                       then alive
                                       else (if (atEdge ps)
                                                then (map moveDown alive)
                                                else (map (--> mi (move mi (Position (prev march) 0)))
                                                          alive)))))))
  (= climb (--> bs (map moveUp (filter (--> cb (& (> (.. (.. cb origin) y) 0)
                                                  (! (any (--> ci (hitBy cb ci)) (prev invaders)))))
                                       bs))))
  (= drop (--> ds (let (= falling (map moveDown (filter (--> db (& (< (.. (.. db origin) y) 14)
                                                                   (! (hitsShip db))))
                                                        ds)))
                       (if (& (== (uniformChoice (list 0 1 2 3)) 0) (> (length invaders) 0))
                           then (addObj falling (Bomb (moveDownPos (.. (uniformChoice invaders) origin))))
                           else falling))))
)
