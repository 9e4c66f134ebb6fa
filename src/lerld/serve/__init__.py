"""Running the web application: the Granian runtime and hot reload of the sources."""
