; platformer: run, jump, collect coins and shoot the patrolling enemy.
;
; Rules (all deterministic):
; - Solid cells are the brown ground (row 19), the gray platforms and the blue moving lift,
;   plus the grid's edges. Coins, the enemy and bullets are not solid.
; - left / right move the red hero one cell (unless the cell is solid) and set the hidden
;   facing direction; in the same tick gravity or the jump also acts.
; - Gravity: each tick the hero falls one cell unless the cell below is solid (it is then
;   standing).
; - up, only while standing, starts a jump: for the next 4 ticks (that tick included) the hero
;   moves one cell up and one cell in the facing direction; if that diagonal cell is solid it
;   moves straight up; if the cell above is solid too the jump ends and it falls.
; - The blue lift (3 cells, row 12) slides one cell per tick between x 9 and x 16, turning at
;   its ends; a hero standing on it is carried along (unless the cell is solid).
; - A gold coin the hero stands on is collected: it vanishes and the coin bar on row 0 grows by
;   one gold cell from the left.
; - The purple enemy patrols the ground (row 18) between x 11 and x 18, one cell per tick. A hero
;   that ends a tick on the enemy's cell is sent back to the start (1,18), facing right.
; - Every click (anywhere) fires one orange bullet from the cell beside the hero in the facing
;   direction (nothing if that cell is solid). Bullets fly one cell per tick and vanish on
;   anything solid, at the edge, or on the hero. A bullet that reaches the enemy's cell (or is
;   on it) removes both the bullet and the enemy, for good.
(program
  (= GRID_SIZE 20)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Hero (Cell 0 0 "red"))
  (object Enemy (: heading Number) (Cell 0 0 "purple"))
  (object Bullet (: dx Number) (Cell 0 0 "orange"))
  (object Coin (Cell 0 0 "gold"))
  (object Lift (: dx Number) (list (Cell 0 0 "blue") (Cell 1 0 "blue") (Cell 2 0 "blue")))
  (object Block (: shade String) (Cell 0 0 shade))

  (= START (Position 1 18))

  ; --- state ---------------------------------------------------------------------------
  ; Facing direction, -1 or 1 (hidden; seen through jumps and bullets).
  (: facing Number)
  (= facing (initnext 1 (prev facing)))
  ; Jump ticks left (hidden).
  (: rise Number)
  (= rise (initnext 0 (if (> (prev rise) 0) then (- (prev rise) 1) else 0)))
  (: lift Lift)
  (= lift (initnext (Lift 1 (Position 9 12)) (liftStep (prev lift))))
  (: player Hero)
  (= player (initnext (Hero START) (physics (prev player))))
  (: coins (List Coin))
  (= coins (initnext (list (Coin (Position 5 18)) (Coin (Position 7 15)) (Coin (Position 12 11))
                           (Coin (Position 17 7)) (Coin (Position 3 8)))
                     (removeObj (prev coins) (--> cn (== (.. cn origin) (.. player origin))))))
  ; The coin bar: one gold cell per collected coin on row 0.
  (: pips (List Coin))
  (= pips (initnext (list)
                    (if (< (length coins) (length (prev coins)))
                        then (addObj (prev pips) (Coin (Position (length (prev pips)) 0)))
                        else (prev pips))))
  (: enemies (List Enemy))
  (= enemies (initnext (list (Enemy -1 (Position 18 18)))
                       (map patrol (filter unhit (prev enemies)))))
  (: bullets (List Bullet))
  (= bullets (initnext (list) (fly (prev bullets))))

  ; --- rules ---------------------------------------------------------------------------
  (on left (let (= facing -1) (= player (physics (walk player -1))) true))
  (on right (let (= facing 1) (= player (physics (walk player 1))) true))
  (on (& up (standing player)) (= rise 4))
  (on clicked
      (= bullets (let (= spawnAt (Position (+ (.. (.. player origin) x) facing)
                                           (.. (.. player origin) y)))
                      (if (blocked spawnAt)
                          then (fly (prev bullets))
                          else (addObj (fly (prev bullets)) (Bullet facing spawnAt))))))
  ; Touching the enemy (at the end of the last tick) sends the hero back to the start.
  (on (any (--> en (== (.. en origin) (.. (prev player) origin))) (prev enemies))
      (let (= player (Hero START)) (= rise 0) (= facing 1) true))

  ; --- helpers -------------------------------------------------------------------------
  (= atPos (--> (objs where) (any (--> ob (== (.. ob origin) where)) objs)))
  ; A solid position: outside the grid, or occupied in the last frame by something that is
  ; not a coin, the enemy or a bullet.
  (= blocked (--> q (| (| (< (.. q x) 0) (>= (.. q x) GRID_SIZE))
                       (| (| (< (.. q y) 0) (>= (.. q y) GRID_SIZE))
                          (& (! (isFreePos q))
                             (! (| (atPos (prev coins) q)
                                   (| (atPos (prev enemies) q) (atPos (prev bullets) q)))))))))
  (= standing (--> sp (blocked (moveDownPos (.. sp origin)))))
  (= walk (--> (wp wdx) (let (= wdest (move wp (Position wdx 0)))
                             (if (blocked (.. wdest origin)) then wp else wdest))))
  (= liftStep (--> lf (let (= lx (+ (.. (.. lf origin) x) (.. lf dx)))
                           (if (| (< lx 9) (> lx 14))
                               then (move (updateObj lf "dx" (- 0 (.. lf dx)))
                                          (Position (- 0 (.. lf dx)) 0))
                               else (move lf (Position (.. lf dx) 0))))))
  ; Carried by the lift: standing on the lift's last-frame cells.
  (= carry (--> cp (let (= oldx (.. (.. (prev lift) origin) x))
                        (= hx (.. (.. cp origin) x))
                        (if (& (== (.. (.. cp origin) y) 11) (& (<= oldx hx) (<= hx (+ oldx 2))))
                            then (walk cp (- (.. (.. (liftStep (prev lift)) origin) x) oldx))
                            else cp))))
  (= fall (--> fp (if (standing fp) then fp else (moveDown fp))))
  ; One tick of the hero: carried, then rising (while rise > 0) or falling.
  (= physics (--> pp (let (= pc (carry pp))
                          (= pcx (.. (.. pc origin) x))
                          (= pcy (.. (.. pc origin) y))
                          (if (> rise 0)
                              then (if (! (blocked (Position (+ pcx facing) (- pcy 1))))
                                       then (move pc (Position facing -1))
                                       else (if (! (blocked (Position pcx (- pcy 1))))
                                                then (moveUp pc)
                                                else (let (= rise 0) (fall pc))))
                              else (fall pc)))))
  (= patrol (--> pe (let (= ex (+ (.. (.. pe origin) x) (.. pe heading)))
                         (if (| (< ex 11) (> ex 18))
                             then (move (updateObj pe "heading" (- 0 (.. pe heading)))
                                        (Position (- 0 (.. pe heading)) 0))
                             else (move pe (Position (.. pe heading) 0))))))
  (= hits (--> (hb he) (| (== (.. hb origin) (.. he origin))
                          (== (.. (move hb (Position (.. hb dx) 0)) origin) (.. he origin)))))
  (= unhit (--> ue (! (any (--> ub (hits ub ue)) (prev bullets)))))
  (= flying (--> fb (& (! (blocked (.. (move fb (Position (.. fb dx) 0)) origin)))
                       (! (any (--> fe (hits fb fe)) (prev enemies))))))
  (= fly (--> bs (map (--> mb (move mb (Position (.. mb dx) 0))) (filter flying bs))))

  ; --- scenery -------------------------------------------------------------------------
  (= strip (--> (shade x0 x1 sy) (map (--> sx (Block shade (Position sx sy))) (range x0 x1))))
  (= scenery (concat (list (strip "brown" 0 20 19) (strip "gray" 5 9 16)
                           (strip "gray" 15 19 8) (strip "gray" 2 7 9))))
)
