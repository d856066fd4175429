; CD wrong program for particles: left and right do not repaint sleeping particles (the colour still advances for new ones).
; The one changed rule is marked 'CHANGED'. Everything else is environments/particles.sexp.
; particles: random walkers that you can add, remove, recolour and put to sleep.
;
; Rules:
; - While awake, every particle steps each tick to a random free neighbouring cell
;   (uniformChoice over the in-grid 4-neighbours that were free in the last frame; left,
;   right, up, down order); a particle with no free neighbour stays. Gray walls block them.
; - Clicking a free cell adds a particle there, in the current colour.
; - Clicking a particle removes it.
; - right / left step the current colour forward / backward through the cycle
;   yellow -> red -> blue -> green -> purple -> yellow, and repaint every particle.
; - down puts all particles to sleep (they stop moving); up wakes them.
; Stochastic: one draw per awake particle per tick.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Particle (: tint String) (Cell 0 0 tint))
  (object Wall (Cell 0 0 "gray"))

  ; The colour cycle.
  (= HUES (list "yellow" "red" "blue" "green" "purple"))

  ; --- state ---------------------------------------------------------------------------
  ; Index of the current colour in HUES (not drawn; seen through the particles' colour).
  (: hueIndex Number)
  (= hueIndex (initnext 0 (prev hueIndex)))
  ; Whether the particles move (not drawn).
  (: awake Bool)
  (= awake (initnext true (prev awake)))
  (: particles (List Particle))
  (= particles (initnext (list (Particle "yellow" (Position 2 2))
                               (Particle "yellow" (Position 13 2))
                               (Particle "yellow" (Position 7 7))
                               (Particle "yellow" (Position 2 13))
                               (Particle "yellow" (Position 12 13)))
                         (drift (prev particles))))

  ; --- rules ---------------------------------------------------------------------------
  ; Colour cycle: right forward, left backward; every particle is repainted (and still moves).
  (on right (let (= hueIndex (% (+ hueIndex 1) 5))
                 (= particles (drift (repaint (prev particles))))
                 true))
  (on left (let (= hueIndex (% (+ hueIndex 4) 5))
                (= particles (drift (repaint (prev particles))))
                true))
  ; Sleep and wake. The particles' own next-expression reads `awake` after this, so a
  ; particle stops (or starts) in the same tick.
  (on down (= awake false))
  (on up (= awake true))
  ; Clicking a particle removes it (every particle drawn on the clicked cell).
  (on (clicked particles)
      (= particles (drift (removeObj (prev particles) (--> pt (clicked pt))))))
  ; Clicking a free cell adds a particle of the current colour there; the others still move.
  (on (& ((clicked)) (isFreePos click))
      (= particles (addObj (drift (prev particles)) (Particle (at HUES hueIndex) click))))

  ; --- helpers -------------------------------------------------------------------------
  ; One tick of motion for the whole list: a random step each while awake.
  (= drift (--> ps (if awake then (map hop ps) else ps)))
  (= hop (--> pt (let (= exits (filter isFreePos (adjPositions (.. pt origin))))
                      (if (== (length exits) 0)
                          then pt
                          else (updateObj pt "origin" (uniformChoice exits))))))
  ; CHANGED (one rule): was (= repaint (--> ps (map (--> pt (updateObj pt "tint" (at HUES hueIndex))) ps)))
  (= repaint (--> ps (if awake then (map (--> pt (updateObj pt "tint" (at HUES hueIndex))) ps) else ps)))

  ; --- scenery -------------------------------------------------------------------------
  (= walls (concat (list (map (--> wx (Wall (Position wx 5))) (range 4 9))
                         (map (--> wx (Wall (Position wx 10))) (range 8 13))
                         (map (--> wy (Wall (Position 4 wy))) (range 11 14)))))
)
