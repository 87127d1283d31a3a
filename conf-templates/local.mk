# conf-templates
