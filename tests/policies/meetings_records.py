POLICY = {}
