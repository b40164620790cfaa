# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install browser promtool rabbitmq lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,ops]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/newssieve demo

# The reader-page tests drive Debian's chromium and chromium-driver (no browser download).
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and chromium-driver for the browser tests" >&2; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else \
		echo "make test needs Debian's chromium and chromium-driver; install them with:" >&2; \
		echo "    sudo apt-get install chromium chromium-driver" >&2; exit 1; \
	fi

# The alert-rule tests run Debian's promtool (package prometheus; its server is not started).
promtool:
	@if command -v promtool >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's prometheus (promtool) for the alert-rule tests" >&2; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; \
	else \
		echo "make test needs promtool; install it with:" >&2; \
		echo "    sudo apt-get install prometheus" >&2; exit 1; \
	fi

# The tests marked `broker` run a second time against RabbitMQ (NEWSSIEVE_TEST_AMQP_URL, else
# 127.0.0.1:5672 guest/guest; a vhost of the run's own). Where none answers: in CI the pass fails,
# saying so; elsewhere, as root, Debian's rabbitmq-server is installed and started if need be.
rabbitmq: $(STAMP)
	@if $(BIN)/python -m tests.broker_support 2>/dev/null; then :; \
	elif [ -n "$$CI" ]; then $(BIN)/python -m tests.broker_support; \
		echo "the RabbitMQ pass of make test needs a RabbitMQ (see the README, Brokers)" >&2; exit 1; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ -z "$$NEWSSIEVE_TEST_AMQP_URL" ]; then \
		echo "starting Debian's rabbitmq-server for the tests run against RabbitMQ" >&2; \
		command -v rabbitmq-server >/dev/null || { apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null; }; \
		$(BIN)/python -m tests.broker_support 2>/dev/null || rabbitmq-server -detached; \
		for i in $$(seq 60); do $(BIN)/python -m tests.broker_support 2>/dev/null && exit 0; sleep 1; done; \
		$(BIN)/python -m tests.broker_support; exit 1; \
	else \
		$(BIN)/python -m tests.broker_support; \
		echo "make test runs the broker tests against RabbitMQ too; start one with:" >&2; \
		echo "    sudo apt-get install rabbitmq-server   (or: docker run -d -p 5672:5672 rabbitmq:3)" >&2; \
		echo "or point NEWSSIEVE_TEST_AMQP_URL at one" >&2; exit 1; \
	fi

# The Redis pass runs in TEST_PROCESSES processes, a test file to one process at a time (its fixtures and
# its order kept; every process has a key prefix of its own): the suite waits on workers, crawls and
# restarts more than it computes (18.5 -> 8.5-10.5 minutes with 2, on 2 cores). The RabbitMQ pass stays in one.
TEST_PROCESSES ?= 2

test: $(STAMP) browser promtool rabbitmq
	$(BIN)/python -m pytest -q -n $(TEST_PROCESSES) --dist loadfile
	NEWSSIEVE_TEST_BROKER=amqp $(BIN)/python -m pytest -q -m broker

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf var .pytest_cache
