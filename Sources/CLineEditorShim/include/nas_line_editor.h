#ifndef NAS_LINE_EDITOR_H
#define NAS_LINE_EDITOR_H

/* A small C face over libedit: its variadic el_set/history calls cannot be called from Swift,
   and its callbacks need a C function that finds the Swift side again through client data. */

#include <stddef.h>

typedef struct NasEditor NasEditor;

/* Called on Tab with the line up to the cursor; returns a libedit CC_* code. */
typedef unsigned char (*NasCompleteFn)(void *context, NasEditor *editor, const char *prefix);

NasEditor *nas_editor_new(const char *program, const char *history_file, int history_size,
                          NasCompleteFn complete, void *context);
void nas_editor_free(NasEditor *editor);

/* Reads one line. Returns 1 with *line set (without its newline; valid until the next call),
   0 at end of input, 2 when Ctrl-C cancelled the line. */
int nas_editor_read(NasEditor *editor, const char *prompt, const char **line);

/* Adds a line to the in-memory history. */
void nas_editor_add_history(NasEditor *editor, const char *line);
/* Writes the whole history to the file `path` in libedit's format; 0 on success, -1 on failure.
   The caller passes a temporary file and renames it (see InteractiveLineReader). */
int nas_editor_save_history(NasEditor *editor, const char *path);

/* Editing primitives for the completion callback. */
void nas_editor_delete_before_cursor(NasEditor *editor, int characters);
int nas_editor_insert(NasEditor *editor, const char *text);
/* Writes text to the editor's output stream, in order with libedit's own redisplay. */
void nas_editor_print(NasEditor *editor, const char *text);

/* Terminal columns of stdout, or 80 when unknown. */
int nas_terminal_columns(void);
int nas_stdin_is_tty(void);
int nas_stdout_is_tty(void);

/* SIGINT as a flag: the handler only records it; the interpreter polls and clears it. */
void nas_interrupt_install(void);
int nas_interrupt_take(void);
void nas_interrupt_raise(void);
/* SIGTERM (what Slurm and Kubernetes send) also sets the interrupt flag, and a sticky
   terminated flag, so a worker can stop at a safe point and say why. */
void nas_terminate_install(void);
int nas_terminated(void);

/* The CC_* codes the completion callback returns. */
enum {
    NAS_CC_NORM = 0,
    NAS_CC_REDISPLAY = 8,
    NAS_CC_REFRESH = 4,
    NAS_CC_ERROR = 6
};

#endif
