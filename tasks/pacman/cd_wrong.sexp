; CD wrong program for pacman: left moves the player two cells at once (even over a wall, if the landing cell is open), instead of one.
; The one changed rule is marked 'CHANGED'. Everything else is environments/pacman.sexp.
; pacman: eat pellets in a walled arena while two ghosts wander; a power pellet turns the
; tables for a while.
;
; Rules:
; - The arrows move the yellow player one cell; it cannot enter a blue wall or leave the grid.
; - Stepping onto a white pellet eats it. Stepping onto an orange power pellet (the four
;   corners) eats it and starts a hidden fright timer of 40 ticks; a power pellet eaten while
;   the timer runs restarts it at 40. When every pellet is eaten they all come back.
; - The red and pink ghosts move one cell on every fourth tick (4, 8, ...). A ghost keeps its
;   heading except that it never turns back: it chooses uniformly at random among the open
;   directions other than back (no draw if there is only one); it turns back only in a dead
;   end.
; - While the timer runs the ghosts are lightblue. When the player and a ghost share a cell
;   (after this tick's moves), a lightblue ghost is sent back to its start cell, heading up;
;   otherwise the player is sent home to (7,12).
; - Clicks do nothing.
; Stochastic: one draw per ghost move with two or more open directions.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; The arena: 1 wall, 2 pellet, 3 power pellet, 0 open floor. MAZE is a list of rows.
  (= MAZE (list (list 3 0 2 0 2 0 2 0 2 0 2 0 2 0 2 3)
                (list 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 2)
                (list 2 0 1 1 1 0 1 1 1 1 0 1 1 1 0 0)
                (list 0 0 1 0 0 0 0 0 0 0 0 0 0 1 0 2)
                (list 2 0 1 0 1 1 0 0 0 0 1 1 0 1 0 0)
                (list 0 0 0 0 1 0 0 0 0 0 0 1 0 0 0 2)
                (list 2 0 1 0 1 0 0 0 0 0 0 1 0 1 0 0)
                (list 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 2)
                (list 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
                (list 0 0 1 0 1 0 0 0 0 0 0 1 0 1 0 2)
                (list 2 0 0 0 1 0 0 0 0 0 0 1 0 0 0 0)
                (list 0 0 1 0 1 1 0 0 0 0 1 1 0 1 0 2)
                (list 2 0 1 0 0 0 0 0 0 0 0 0 0 1 0 0)
                (list 0 0 1 1 1 0 1 1 1 1 0 1 1 1 0 2)
                (list 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
                (list 3 2 0 2 0 2 0 2 0 2 0 2 0 2 0 3)))
  (= DIRS (list (Position -1 0) (Position 1 0) (Position 0 -1) (Position 0 1)))
  (= HOME (Position 7 12))

  ; --- objects -------------------------------------------------------------------------
  (object Wall (Cell 0 0 "blue"))
  (object Pellet (: power Bool) (Cell 0 0 (if power then "orange" else "white")))
  (object Pac (Cell 0 0 "yellow"))
  (object Ghost (: hue String) (: heading Position) (: scared Bool) (: den Position)
    (Cell 0 0 (if scared then "lightblue" else hue)))

  ; --- state ---------------------------------------------------------------------------
  ; Ticks so far (hidden); during tick t the rules see t - 1.
  (: clock Number)
  (= clock (initnext 0 (+ (prev clock) 1)))
  ; Fright ticks left (hidden).
  (: fright Number)
  (= fright (initnext 0 (max 0 (- (prev fright) 1))))
  (: pellets (List Pellet))
  (= pellets (initnext (freshPellets 0) (prev pellets)))
  (: player Pac)
  (= player (initnext (Pac HOME) (prev player)))
  (: ghosts (List Ghost))
  (= ghosts (initnext (list (Ghost "red" (Position -1 0) false (Position 7 7) (Position 7 7))
                            (Ghost "pink" (Position 1 0) false (Position 8 8) (Position 8 8)))
                      (prev ghosts)))

  ; --- rules ---------------------------------------------------------------------------
  ; CHANGED (one rule): was (on left (= player (walk (Position -1 0))))
  (on left (= player (walk (Position -2 0))))
  (on right (= player (walk (Position 1 0))))
  (on up (= player (walk (Position 0 -1))))
  (on down (= player (walk (Position 0 1))))
  (on (== (% clock 4) 3) (= ghosts (map roam ghosts)))
  ; Eating (a power pellet restarts the timer).
  (on (any (--> pl (== (.. pl origin) (.. player origin))) pellets)
      (let (if (any (--> pl (& (.. pl power) (== (.. pl origin) (.. player origin)))) pellets)
               then (= fright 40)
               else false)
           (= pellets (filter (--> pl (! (== (.. pl origin) (.. player origin)))) pellets))
           true))
  (on (== (length pellets) 0) (= pellets (freshPellets 0)))
  ; Meeting a ghost.
  (on (any (--> gh (== (.. gh origin) (.. player origin))) ghosts)
      (if (> fright 0)
          then (= ghosts (map (--> gh (if (== (.. gh origin) (.. player origin))
                                          then (updateObj (updateObj gh "origin" (.. gh den))
                                                          "heading" (Position 0 -1))
                                          else gh))
                              ghosts))
          else (= player (Pac HOME))))
  ; Ghost colour follows the timer.
  (on (any (--> gh (! (== (.. gh scared) (> fright 0)))) ghosts)
      (= ghosts (map (--> gh (updateObj gh "scared" (> fright 0))) ghosts)))

  ; --- helpers -------------------------------------------------------------------------
  (= cellAt (--> q (at (at MAZE (.. q y)) (.. q x))))
  (= inGrid (--> q (& (& (>= (.. q x) 0) (< (.. q x) 16)) (& (>= (.. q y) 0) (< (.. q y) 16)))))
  (= open (--> q (& (inGrid q) (! (== (cellAt q) 1)))))
  (= walk (--> dv (if (open (movePos (.. player origin) dv))
                      then (Pac (movePos (.. player origin) dv))
                      else player)))
  ; One ghost step: never back unless it is the only way; random among several ways.
  (= roam (--> gh
    (let (= here (.. gh origin))
         (= back (Position (- 0 (.. (.. gh heading) x)) (- 0 (.. (.. gh heading) y))))
         (= ways (filter (--> dv (& (open (movePos here dv)) (! (== dv back)))) DIRS))
         (= pick (if (== (length ways) 0)
                     then back
                     else (if (== (length ways) 1) then (head ways) else (uniformChoice ways))))
         (updateObj (updateObj gh "heading" pick) "origin" (movePos here pick)))))
  (= freshPellets (--> unused
    (concat (map (--> py (map (--> px (Pellet (== (cellAt (Position px py)) 3) (Position px py)))
                              (filter (--> px (> (cellAt (Position px py)) 1)) (range 0 16))))
                 (range 0 16)))))

  ; --- scenery -------------------------------------------------------------------------
  (= walls (concat (map (--> py (map (--> px (Wall (Position px py)))
                                     (filter (--> px (== (cellAt (Position px py)) 1)) (range 0 16))))
                        (range 0 16))))
)
