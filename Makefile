# The two commands a newcomer needs (each sets up .venv by itself):
#   make book   build the website into _build/html
#   make test   run the whole test suite
.PHONY: book test serve lab bench clean
book:
	bash tools/build-book.sh
test:
	bash tools/test.sh
serve:
	.venv/bin/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html
lab:
	bash tools/venv.sh >/dev/null && .venv/bin/python -m pip install -q jupyterlab && .venv/bin/jupyter lab
bench:
	bash tools/bench.sh
clean:
	rm -rf _build
