# The README's two commands. Everything real lives in meson.build and scripts/.
BUILD ?= build
TEST_BUILD ?= build-test

.PHONY: run build test install clean

run: build
	./$(BUILD)/dlrig doctor; status=$$?; \
	echo "(dlrig doctor exited $$status: 0 ok, 1 warnings, 2 failures, 3 could not judge)"

build:
	@scripts/deps.sh run
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) -Dtests=false -Dbuildtype=release
	ninja -C $(BUILD)

test:
	@scripts/deps.sh test
	@scripts/test-all.sh $(TEST_BUILD)

# The binary, man pages and completions below the build's prefix (/usr/local);
# DESTDIR=DIR stages them.
install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(TEST_BUILD) build-fuzz
