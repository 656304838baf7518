"""dsconv: the engine behind the depthwise separable convolution explainer.

Importing this package is cheap: it pulls in no TensorFlow and no Streamlit. Modules that need
Keras (models, training, speed measurements) import it themselves, inside the functions that use it.

One import at a time across the server's threads, `ONE_AT_A_TIME`: Streamlit runs each session's script in a thread
of its own, and a class opening its links together on a fresh server imports the app's modules in many threads at
once. Python locks each module while it runs its code, so two threads can each hold a lock the other waits for: one
ran `dsconv/costs/__init__.py` and waited for `dsconv.costs.arithmetic`, which another had begun (it imports
`dsconv.costs.arithmetic` by name) and which first waited for its package. Python then fails one of them
("_DeadlockError: deadlock detected by _ModuleLock('dsconv.costs.arithmetic')"), and a student saw that traceback.
Every page imports its modules inside `with ONE_AT_A_TIME:`, and so does any code that imports a module on first use
(Keras, TensorFlow, h5py): one thread imports while the others wait, as Python did before 3.3. It is re-entrant (an
import inside an import) and costs nothing once the modules are loaded.
"""

import threading
from pathlib import Path

__version__ = "0.1.0"
ASSETS = Path(__file__).resolve().parent / "assets"  # shipped run records, weights and timings
ONE_AT_A_TIME = threading.RLock()  # see above: every import in a session's thread takes its turn
