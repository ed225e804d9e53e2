"""The demo: a fictional prefecture-level city with agencies, staff, items and cases, loaded
through the services so that every invariant holds in it. See `sanxiang.demo.loader`."""
