#include "nas_line_editor.h"

#include <histedit.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct NasEditor {
    EditLine *el;
    History *history;
    HistEvent event;
    char *history_file;
    char *prompt;
    char *line;
    size_t line_capacity;
    NasCompleteFn complete;
    void *context;
    int cancelled;
};

static NasEditor *editor_of(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return (NasEditor *)data;
}

static char *prompt_of(EditLine *el) {
    NasEditor *editor = editor_of(el);
    return editor && editor->prompt ? editor->prompt : (char *)"";
}

static unsigned char on_tab(EditLine *el, int ch) {
    (void)ch;
    NasEditor *editor = editor_of(el);
    if (!editor || !editor->complete) return CC_ERROR;
    const LineInfo *info = el_line(el);
    size_t length = (size_t)(info->cursor - info->buffer);
    char *prefix = malloc(length + 1);
    if (!prefix) return CC_ERROR;
    memcpy(prefix, info->buffer, length);
    prefix[length] = '\0';
    unsigned char result = editor->complete(editor->context, editor, prefix);
    free(prefix);
    return result;
}

static unsigned char on_interrupt(EditLine *el, int ch) {
    (void)ch;
    NasEditor *editor = editor_of(el);
    if (editor) editor->cancelled = 1;
    fputs("^C", stdout);
    fflush(stdout);
    return CC_NEWLINE;
}

NasEditor *nas_editor_new(const char *program, const char *history_file, int history_size,
                          NasCompleteFn complete, void *context) {
    setlocale(LC_CTYPE, "");
    NasEditor *editor = calloc(1, sizeof *editor);
    if (!editor) return NULL;
    editor->el = el_init(program, stdin, stdout, stderr);
    if (!editor->el) {
        free(editor);
        return NULL;
    }
    editor->complete = complete;
    editor->context = context;
    editor->history = history_init();
    history(editor->history, &editor->event, H_SETSIZE, history_size);
    history(editor->history, &editor->event, H_SETUNIQUE, 1);
    if (history_file) {
        editor->history_file = strdup(history_file);
        history(editor->history, &editor->event, H_LOAD, history_file);
    }
    EditLine *el = editor->el;
    el_set(el, EL_CLIENTDATA, editor);
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_PROMPT, prompt_of);
    el_set(el, EL_HIST, history, editor->history);
    el_set(el, EL_SIGNAL, 1);
    /* Ctrl-C reaches us as a key while editing, so it cancels the line instead of the process. */
    el_set(el, EL_SETTY, "-d", "-isig", NULL);
    el_set(el, EL_ADDFN, "nas-complete", "Complete the word before the cursor", on_tab);
    el_set(el, EL_ADDFN, "nas-interrupt", "Cancel the current line", on_interrupt);
    el_source(el, NULL);
    el_set(el, EL_BIND, "^I", "nas-complete", NULL);
    el_set(el, EL_BIND, "^C", "nas-interrupt", NULL);
    return editor;
}

void nas_editor_free(NasEditor *editor) {
    if (!editor) return;
    el_end(editor->el);
    history_end(editor->history);
    free(editor->history_file);
    free(editor->prompt);
    free(editor->line);
    free(editor);
}

int nas_editor_read(NasEditor *editor, const char *prompt, const char **line) {
    free(editor->prompt);
    editor->prompt = strdup(prompt ? prompt : "");
    editor->cancelled = 0;
    int count = 0;
    const char *text = el_gets(editor->el, &count);
    if (editor->cancelled) {
        fputc('\n', stdout);
        fflush(stdout);
        return 2;
    }
    if (!text || count <= 0) return 0;
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r')) length--;
    if (length + 1 > editor->line_capacity) {
        char *grown = realloc(editor->line, length + 1);
        if (!grown) return 0;
        editor->line = grown;
        editor->line_capacity = length + 1;
    }
    memcpy(editor->line, text, length);
    editor->line[length] = '\0';
    *line = editor->line;
    return 1;
}

void nas_editor_add_history(NasEditor *editor, const char *line) {
    history(editor->history, &editor->event, H_ENTER, line);
}

int nas_editor_save_history(NasEditor *editor, const char *path) {
    return history(editor->history, &editor->event, H_SAVE, path) < 0 ? -1 : 0;
}

void nas_editor_delete_before_cursor(NasEditor *editor, int characters) {
    if (characters > 0) el_deletestr(editor->el, characters);
}

int nas_editor_insert(NasEditor *editor, const char *text) {
    return el_insertstr(editor->el, text);
}

void nas_editor_print(NasEditor *editor, const char *text) {
    (void)editor;
    fputs(text, stdout);
    fflush(stdout);
}

int nas_terminal_columns(void) {
    struct winsize size;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 80;
}

int nas_stdin_is_tty(void) { return isatty(STDIN_FILENO); }
int nas_stdout_is_tty(void) { return isatty(STDOUT_FILENO); }

static volatile sig_atomic_t interrupt_flag = 0;

static void on_sigint(int signal_number) {
    (void)signal_number;
    interrupt_flag = 1;
}

/* SA_RESTART: a read or write interrupted by the signal resumes; the flag is polled. */
static void install_flag_handler(int signal_number, void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(signal_number, &action, NULL);
}

void nas_interrupt_install(void) { install_flag_handler(SIGINT, on_sigint); }

int nas_interrupt_take(void) {
    int was = interrupt_flag;
    interrupt_flag = 0;
    return was;
}

void nas_interrupt_raise(void) { interrupt_flag = 1; }

static volatile sig_atomic_t terminate_flag = 0;

static void on_sigterm(int signal_number) {
    (void)signal_number;
    terminate_flag = 1;
    interrupt_flag = 1;
}

void nas_terminate_install(void) { install_flag_handler(SIGTERM, on_sigterm); }

int nas_terminated(void) { return terminate_flag; }
