/*
 * waitlist.c - requests that wait for one shared upstream call (the
 * /models walk, the /readyz probe): a doubly linked list through the
 * connections, so that one that closes leaves it at once. The call goes
 * on when every waiter has left: its answer is still worth keeping.
 */
#include "server.h"

/* Wait (as the request being answered) for a shared upstream call. */
void srv_wait_join(srv_waitlist_t *l, srv_conn_t *c) {
  c->waiting = l;
  c->wait_prev = NULL;
  c->wait_next = l->head;
  if (l->head != NULL)
    l->head->wait_prev = c;
  l->head = c;
}

/* Off its list, if on one: a connection that closes. */
void srv_wait_leave(srv_conn_t *c) {
  if (c->waiting == NULL)
    return;
  if (c->wait_prev != NULL)
    c->wait_prev->wait_next = c->wait_next;
  else
    c->waiting->head = c->wait_next;
  if (c->wait_next != NULL)
    c->wait_next->wait_prev = c->wait_prev;
  c->waiting = NULL;
  c->wait_prev = c->wait_next = NULL;
}

/* Move every waiter of `from` to `to` (empty `from`): to answer them
 * while new requests wait on `from` for the next call. */
void srv_wait_take(srv_waitlist_t *from, srv_waitlist_t *to) {
  to->head = from->head;
  from->head = NULL;
  for (srv_conn_t *c = to->head; c != NULL; c = c->wait_next)
    c->waiting = to;
}

/* The next waiter, off the list; NULL when none is left. */
srv_conn_t *srv_wait_pop(srv_waitlist_t *l) {
  srv_conn_t *c = l->head;
  if (c != NULL)
    srv_wait_leave(c);
  return c;
}
