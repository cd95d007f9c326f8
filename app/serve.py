"""Start the app: ``python app/serve.py [options]`` is ``streamlit run app/main.py [options]``, with the server
process prepared before it takes its first request (``components.ui.reruns``)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.web import cli  # noqa: E402

from components.ui.reruns import install  # noqa: E402

if __name__ == "__main__":
    install()
    sys.argv = ["streamlit", "run", str(ROOT / "app" / "main.py"), *sys.argv[1:]]
    sys.exit(cli.main())
