/* pin.c: see pin.h. */
#include "pin.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "secret_file.h"
#include "util.h"

#define PIN_MAX 256

/* Reads one line from fd into buf (without the line break). */
static int read_line(int fd, char *buf, size_t cap, struct kerr *err)
{
	size_t len = 0;
	ssize_t n;
	char c;

	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kerr_errno(err, KERR_IO, errno, "cannot read the secret");
		if (n == 0 || c == '\n')
			break;
		if (len + 1 >= cap)
			return kerr_set(err, KERR_AUTH, "secret longer than %zu characters", cap - 1);
		buf[len++] = c;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	c = 0;
	return 0;
}

static int from_tty(const char *prompt, char *buf, struct kerr *err)
{
	struct termios old, quiet;
	int fd, rc, restore = 0;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return kerr_errno(err, KERR_CONFIG, errno,
				  "no terminal to ask on (configure a file instead)");
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		quiet.c_lflag |= ICANON;
		if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0)
			restore = 1;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* The prompt is a courtesy; reading still works. */
	}
	rc = read_line(fd, buf, PIN_MAX, err);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* Same. */
	}
	close(fd);
	return rc;
}

int pin_read(const char *path, const char *prompt, char **out, struct kerr *err)
{
	char buf[PIN_MAX];
	int rc;

	*out = NULL;
	if (path != NULL)
		return secret_file_read_line(path, PIN_MAX, out, err);
	rc = from_tty(prompt, buf, err);
	if (rc == 0 && buf[0] == '\0')
		rc = kerr_set(err, KERR_AUTH, "empty answer");
	if (rc == 0)
		*out = xstrdup(buf);
	secure_wipe(buf, sizeof(buf));
	return rc;
}
