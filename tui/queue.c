/* The event queue between worker threads and the UI thread: workers
 * (the engine's callback, background tasks) push copies of what they
 * report and write one byte to a self-pipe; the UI thread polls the
 * pipe with stdin and pops the messages.  Push: any thread.  Pop: UI
 * thread.
 */
#include <config.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "tui.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int active_tasks;
static struct tui_msg *head, *tail;
static int pipe_fds[2] = { -1, -1 };

bool
tui_queue_init(void)
{
    if (pipe_fds[0] >= 0)
        return true;
    return pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) == 0;
}

int
tui_queue_fd(void)
{
    return pipe_fds[0];
}

void
tui_queue_push(struct tui_msg *msg)
{
    char c = 'x';

    msg->next = NULL;
    pthread_mutex_lock(&lock);
    if (tail)
        tail->next = msg;
    else
        head = msg;
    tail = msg;
    pthread_mutex_unlock(&lock);
    /* A full pipe already means "wake up": EAGAIN is fine. */
    (void)!write(pipe_fds[1], &c, 1);
}

struct tui_msg *
tui_queue_pop(void)
{
    struct tui_msg *msg;
    char buf[64];

    pthread_mutex_lock(&lock);
    msg = head;
    if (msg) {
        head = msg->next;
        if (!head)
            tail = NULL;
    } else {
        while (read(pipe_fds[0], buf, sizeof buf) > 0)
            ;
    }
    pthread_mutex_unlock(&lock);
    return msg;
}

void
tui_msg_free(struct tui_msg *msg)
{
    if (!msg)
        return;
    free(msg->text);
    free(msg->disk_name);
    x2k_error_clear(&msg->err);
    free(msg);
}

void
tui_queue_event_fn(const struct x2k_event *ev, void *opaque)
{
    struct tui_msg *msg = x2k_xcalloc(1, sizeof *msg);

    (void)opaque;
    msg->kind = TUI_MSG_EVENT;
    msg->ev = *ev;
    msg->text = x2k_xstrdup(ev->text);
    msg->disk_name = x2k_xstrdup(ev->disk_name);
    msg->ev.text = msg->text;
    msg->ev.disk_name = msg->disk_name;
    tui_queue_push(msg);
}

struct task {
    int id;
    tui_task_fn fn;
    void *arg;
};

static void *
task_thread(void *opaque)
{
    struct task *t = opaque;
    struct tui_msg *msg = x2k_xcalloc(1, sizeof *msg);

    msg->kind = TUI_MSG_TASK_DONE;
    msg->task = t->id;
    msg->rc = t->fn(t->arg, &msg->result, &msg->err);
    tui_queue_push(msg);
    free(t);
    atomic_fetch_sub(&active_tasks, 1);
    return NULL;
}

void
tui_task_start(int task, tui_task_fn fn, void *arg)
{
    struct task *t = x2k_xmalloc(sizeof *t);
    pthread_attr_t attr;
    pthread_t tid;

    t->id = task;
    t->fn = fn;
    t->arg = arg;
    atomic_fetch_add(&active_tasks, 1);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&tid, &attr, task_thread, t) != 0) {
        /* No thread: run it here rather than lose the answer. */
        task_thread(t);
    }
    pthread_attr_destroy(&attr);
}

int
tui_task_active(void)
{
    return atomic_load(&active_tasks);
}
