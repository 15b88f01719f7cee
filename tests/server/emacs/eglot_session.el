;;; eglot_session.el --- Emacs, in batch, as a user's editor with the README's eglot setup.
;; Loads the setup from $KAI_EGLOT_SETUP, opens $KAI_FILE, waits for the diagnostics, writes
;; them to $KAI_OUT as "line:column text" lines, then applies source.fixAll.kaiming-lint and
;; writes the buffer to $KAI_FIXED.
(require 'eglot)
(load-file (getenv "KAI_EGLOT_SETUP"))
(find-file (getenv "KAI_FILE"))
(python-mode)
(apply #'eglot (eglot--guess-contact))
(let ((deadline (+ (float-time) 60)))
  (while (and (< (float-time) deadline) (null (flymake-diagnostics)))
    (flymake-start)
    (accept-process-output nil 0.2)))
(let ((lines
       (mapcar (lambda (d)
                 (save-excursion
                   (goto-char (flymake-diagnostic-beg d))
                   (format "%d:%d %s\n" (line-number-at-pos) (1+ (current-column))
                           (flymake-diagnostic-text d))))
               (sort (flymake-diagnostics)
                     (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b)))))))
  (with-temp-file (getenv "KAI_OUT")
    (apply #'insert lines)))
(eglot-code-actions (point-min) (point-max) "source.fixAll.kaiming-lint" t)
(write-region (point-min) (point-max) (getenv "KAI_FIXED"))
(kill-emacs 0)
