import dlcourse


def test_package_imports():
    assert dlcourse.__version__ == "0.1.0"
