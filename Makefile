# The two commands a newcomer needs (each sets up .venv by itself):
#   make book   build the website into _build/html (BOOKFLAGS="-W --keep-going": warnings are errors)
#   make test   run the whole test suite
# and a few more:
#   make serve  serve the built site on http://127.0.0.1:8000
#   make lab    open the notebooks in JupyterLab
#   make bench  measure the build, the notebooks, the import and dlcourse against torch
#               (writes benchmarks/README.md; BENCHFLAGS=--full adds `make test` from a fresh clone)
#   make clean  remove _build (the site and the notebook execution cache)
PORT ?= 8000
BOOKFLAGS ?=
BENCHFLAGS ?=
.PHONY: book test serve lab bench clean
book:
	bash tools/build-book.sh $(BOOKFLAGS)
test:
	bash tools/test.sh
serve:
	@test -f _build/html/index.html || { echo "No site yet: run 'make book' first."; exit 1; }
	@echo "Serving the course on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	.venv/bin/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html
lab:
	@bash tools/venv.sh >/dev/null
	@.venv/bin/python -c "import jupyterlab" 2>/dev/null || .venv/bin/python -m pip install -q jupyterlab
	.venv/bin/jupyter lab --notebook-dir=.
bench:
	bash tools/bench.sh $(BENCHFLAGS)
clean:
	rm -rf _build
