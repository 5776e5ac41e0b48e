################################################################################
# AMI and instance profile
################################################################################

data "aws_ssm_parameter" "ami" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${var.architecture}"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-instance"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

# Session Manager instead of open SSH ports.
resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

# Pull the application image from ECR (this account's registry, or its replica in DR).
resource "aws_iam_role_policy_attachment" "ecr_pull" {
  count = var.app_image_from_ecr ? 1 : 0

  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"
}

resource "aws_iam_instance_profile" "this" {
  name = "${var.name}-instance"
  role = aws_iam_role.this.name

  tags = var.tags
}

################################################################################
# Security group
################################################################################

resource "aws_security_group" "this" {
  name        = "${var.name}-instances"
  description = "Instances of ${var.name}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-instances" })
}

resource "aws_vpc_security_group_ingress_rule" "app_from_sources" {
  count = var.app_port == null ? 0 : length(var.ingress_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Application traffic from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = var.ingress_security_group_ids[count.index]
}

# node_exporter answers only the monitoring clusters' nodes (where Prometheus runs).
resource "aws_vpc_security_group_ingress_rule" "node_exporter" {
  count = local.node_exporter ? length(var.metrics_security_group_ids) : 0

  security_group_id            = aws_security_group.this.id
  description                  = "node_exporter metrics from the monitoring cluster's nodes"
  ip_protocol                  = "tcp"
  from_port                    = var.node_exporter_port
  to_port                      = var.node_exporter_port
  referenced_security_group_id = var.metrics_security_group_ids[count.index]

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  count = length(var.ssh_cidrs)

  security_group_id = aws_security_group.this.id
  description       = "SSH from an allowed range"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.ssh_cidrs[count.index]
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs and package mirrors"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "vpc" {
  security_group_id = aws_security_group.this.id
  description       = "Anything inside the VPC (databases, caches)"
  ip_protocol       = "-1"
  cidr_ipv4         = var.vpc_cidr
}

################################################################################
# Application: the container the inventory names, run by docker under systemd
# (restarted on failure and at boot), published on the application port that
# the load balancer's health check reads
################################################################################

locals {
  container_port = coalesce(var.container_port, var.app_port, 80)
  registry       = split("/", coalesce(var.app_image, "none"))[0]
  ecr_login = var.app_image_from_ecr ? [
    "ExecStartPre=/bin/sh -c 'aws ecr get-login-password --region ${try(split(".", local.registry)[3], "")} | docker login --username AWS --password-stdin ${local.registry}'",
  ] : []

  # node_exporter runs next to the application's container (docker is
  # installed for it), so only where there is an application.
  node_exporter = var.node_exporter_image != null && var.app_image != null

  app_unit = var.app_image == null ? [] : concat([
    "cat > /etc/systemd/system/app.service <<'UNIT'",
    "[Unit]",
    "Description=Application container (acmegen)",
    "After=docker.service network-online.target",
    "Wants=network-online.target",
    "Requires=docker.service",
    "StartLimitIntervalSec=0",
    "[Service]",
    "Restart=always",
    "RestartSec=5",
    "ExecStartPre=-/usr/bin/docker rm -f app",
    ], local.ecr_login, [
    "ExecStartPre=/usr/bin/docker pull ${var.app_image}",
    "ExecStart=/usr/bin/docker run --rm --name app -p ${coalesce(var.app_port, 80)}:${local.container_port} ${var.app_image}",
    "ExecStop=/usr/bin/docker stop app",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now app.service",
  ])

  # node_exporter from its pinned upstream image, as the node_exporter README
  # runs it in a container: the host's network and PID namespaces, the host's
  # root mounted read-only (rslave, so later mounts show), a read-only
  # container filesystem, no capabilities, the image's unprivileged user.
  node_exporter_unit = local.node_exporter ? [
    "cat > /etc/systemd/system/node-exporter.service <<'UNIT'",
    "[Unit]",
    "Description=Prometheus node_exporter (acmegen)",
    "After=docker.service network-online.target",
    "Wants=network-online.target",
    "Requires=docker.service",
    "StartLimitIntervalSec=0",
    "[Service]",
    "Restart=always",
    "RestartSec=5",
    "ExecStartPre=-/usr/bin/docker rm -f node-exporter",
    "ExecStartPre=/usr/bin/docker pull ${var.node_exporter_image}",
    "ExecStart=/usr/bin/docker run --rm --name node-exporter --network host --pid host --read-only --cap-drop ALL --security-opt no-new-privileges --volume /:/host:ro,rslave ${var.node_exporter_image} --path.rootfs=/host --web.listen-address=:${var.node_exporter_port}",
    "ExecStop=/usr/bin/docker stop node-exporter",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now node-exporter.service",
  ] : []

  # An instance in a public subnet reaches the internet only once its
  # Elastic IP is associated, which happens after launch: the package
  # install retries for up to 10 minutes, and systemd retries the image pulls
  # (and the containers) every 5 s without a start limit.
  user_data = var.app_image == null ? null : join("\n", concat([
    "#!/bin/bash",
    "set -euo pipefail",
    "for attempt in $(seq 1 60); do dnf install -y docker && break; echo \"dnf: no network yet (attempt $attempt of 60)\" >&2; sleep 10; done",
    "rpm -q docker >/dev/null",
    "systemctl enable --now docker",
  ], local.app_unit, local.node_exporter_unit))

  # Prometheus finds the instances by this tag (EC2 service discovery).
  node_exporter_tag_key = "acmegen:node-exporter"
  node_exporter_tags    = local.node_exporter ? { (local.node_exporter_tag_key) = var.name } : {}
}

################################################################################
# Instances, spread round-robin over the subnets' AZs
################################################################################

resource "aws_instance" "this" {
  count = var.instance_count

  ami                    = data.aws_ssm_parameter.ami.insecure_value
  instance_type          = var.instance_type
  subnet_id              = var.subnet_ids[count.index % length(var.subnet_ids)]
  vpc_security_group_ids = concat([aws_security_group.this.id], var.additional_security_group_ids)
  iam_instance_profile   = aws_iam_instance_profile.this.name
  key_name               = var.key_name
  monitoring             = true
  ebs_optimized          = true
  user_data              = local.user_data

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.volume_size
    encrypted             = true
    kms_key_id            = var.kms_key_arn
    delete_on_termination = true
  }

  tags = merge(var.tags, local.node_exporter_tags, { Name = "${var.name}-${count.index + 1}" })

  lifecycle {
    ignore_changes = [ami]
  }
}
