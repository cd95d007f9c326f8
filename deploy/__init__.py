"""Running ML Playground beyond one process: container image, balancer, replicas, Kubernetes (DESIGN §8)."""
