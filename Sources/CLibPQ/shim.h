// libpq, PostgreSQL's C client, as Debian's libpq-dev installs it (pkg-config adds
// -I/usr/include/postgresql).
#include <libpq-fe.h>
