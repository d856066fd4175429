; CD wrong program for shooter: the gun also fires with an empty ammunition bar.
; The one changed rule is marked 'CHANGED'. Everything else is environments/shooter.sexp.
; shooter: collect coins for ammunition and shoot the targets.
;
; Rules (all deterministic):
; - The arrows turn the blue agent to face that way and move it one cell, unless the cell is
;   outside rows 1-15 or held a gray wall or a red target in the last frame (then it only
;   turns). It starts at (6, 13) facing right. Its facing is not drawn.
; - Walking onto a gold coin collects it: the ammunition bar (row 0, orange from the left, at
;   most 8, starts at 2) grows by one, and the coin reappears at the same place 12 ticks
;   later (an agent still standing there collects it again in the tick after). The four coins
;   are always at the same four places.
; - A click anywhere fires, if there is ammunition and the cell in front of the agent is
;   inside the grid and not a wall: a white bullet appears on that cell and the bar shrinks by
;   one. Otherwise a click does nothing.
; - Each tick a bullet flies one cell in the direction it was fired; it vanishes when it
;   leaves the grid or reaches a wall. A bullet on a target (it is drawn over it) destroys it:
;   in the next tick both vanish. In a tick with a shot, the other bullets still fly.
; - When the last of the four targets is destroyed, all four come back in the next tick.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Agent (Cell 0 0 "blue"))
  (object Coin (: wait Number) (Cell 0 0 (if (== wait 0) then "gold" else "black")))
  (object Target (Cell 0 0 "red"))
  (object Bullet (: heading Position) (Cell 0 0 "white"))
  (object Wall (Cell 0 0 "gray"))
  (object Bar (: rounds Number)
    (map (--> i (Cell i 0 (if (< i rounds) then "orange" else "black"))) (range 0 8)))

  ; The targets' places (Positions: not drawn themselves).
  (= TARGET_SPOTS (list (Position 5 7) (Position 11 6) (Position 2 9) (Position 12 13)))
  (= allTargets (--> () (map (--> p (Target p)) TARGET_SPOTS)))

  ; --- state ---------------------------------------------------------------------------
  ; Coins first, so an uncollected coin's black cell never hides anything.
  (: coins (List Coin))
  (= coins (initnext (list (Coin 0 (Position 2 3)) (Coin 0 (Position 13 2))
                           (Coin 0 (Position 3 13)) (Coin 0 (Position 14 14)))
                     (map tickCoin (prev coins))))
  ; Ammunition (drawn by the bar) and the agent's facing (not drawn).
  (: ammo Number)
  (= ammo (initnext 2 (min 8 (+ (prev ammo) (length (filter fresh coins))))))
  (: facing Position)
  (= facing (initnext (Position 1 0) (prev facing)))
  (: targets (List Target))
  (= targets (initnext ((allTargets))
                       (let (= standing (removeObj (prev targets) (--> t (intersects t (prev bullets)))))
                            (if (== (length standing) 0) then ((allTargets)) else standing))))
  (: bullets (List Bullet))
  (= bullets (initnext (list) (flyAll (prev bullets))))
  (: agent Agent)
  (= agent (initnext (Agent (Position 6 13)) (prev agent)))
  (: bar Bar)
  (= bar (initnext (Bar 2 (Position 0 0)) (updateObj (prev bar) "rounds" ammo)))

  ; --- rules ---------------------------------------------------------------------------
  (on left (walk (Position -1 0)))
  (on right (walk (Position 1 0)))
  (on up (walk (Position 0 -1)))
  (on down (walk (Position 0 1)))
  ; CHANGED (one rule): was (on (& ((clicked)) (& (> ammo 0) ((canFire)))) (let (= ammo (- ammo 1)) ...
  (on (& ((clicked)) ((canFire)))
      (let (= ammo (max 0 (- ammo 1)))
           (= bullets (addObj (flyAll (prev bullets)) (Bullet facing ((front)))))
           true))

  ; --- helpers -------------------------------------------------------------------------
  ; Turn toward `d`, and step unless the cell is off the field or held a wall or a target.
  (= walk (--> d (let (= facing d)
                      (= dest (move agent d))
                      (= agent (if (& (inField (.. dest origin))
                                      (! (| (intersects dest walls) (intersects dest (prev targets)))))
                                   then dest
                                   else agent))
                      true)))
  (= inField (--> p (& (& (>= (.. p x) 0) (< (.. p x) 16)) (& (>= (.. p y) 1) (< (.. p y) 16)))))
  (= front (--> () (movePos (.. agent origin) facing)))
  (= canFire (--> () (& (isWithinBounds (Wall ((front)))) (! (intersects (Wall ((front))) walls)))))
  ; A coin counts down while away; a coin under the agent is collected.
  (= tickCoin (--> c (if (> (.. c wait) 0)
                         then (updateObj c "wait" (- (.. c wait) 1))
                         else (if (intersects c agent) then (updateObj c "wait" 12) else c))))
  (= fresh (--> c (== (.. c wait) 12)))
  ; One tick of the bullets: those on a target (in the last frame) vanish with it; the others
  ; fly on, and vanish off the grid or on a wall.
  (= flyAll (--> bs (filter (--> b (& (isWithinBounds b) (! (intersects b walls))))
                            (map (--> b (move b (.. b heading)))
                                 (removeObj bs (--> b (intersects b (prev targets))))))))

  ; --- scenery -------------------------------------------------------------------------
  (= walls (concat (list (map (--> wy (Wall (Position 8 wy))) (range 4 9))
                         (map (--> wx (Wall (Position wx 11))) (range 3 7)))))
)
