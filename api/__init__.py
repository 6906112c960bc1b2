"""The shells of fuqing: the HTTP service, the command line and the web pages.

Each route or command parses, authorises, calls one core function and serialises; nothing here is core logic.
"""
